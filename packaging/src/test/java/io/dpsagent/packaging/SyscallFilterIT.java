package io.dpsagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The units' system call filter lets the JVM do the agent's work: every system call the packaged
 * agent makes (traced with strace) on the network path, the PKCS#11 path and the daemon's move to a
 * fresh JVM is in the set that {@code SystemCallFilter=@system-service} and {@code
 * ~@privileged @resources} leave.
 */
class SyscallFilterIT {

  private static final Pattern CALL =
      Pattern.compile("^\\d+\\s+([a-z0-9_]+)\\(", Pattern.MULTILINE);

  @TempDir static Path installed;
  private static Path jar;
  private static Set<String> allowed;

  @TempDir Path dir;

  @BeforeAll
  static void allowedCalls() throws IOException {
    Command.requireTool("strace", "strace");
    Command.requireTool("softhsm2-util", "softhsm2");
    Command.requireTool("systemd-analyze", "systemd");
    DebPackage.in(Path.of(System.getProperty("packaging.buildDirectory"))).extractTo(installed);
    jar = installed.resolve("usr/share/dps-agent/dps-agent.jar");
    UnitFile unit = UnitFile.read(installed.resolve("usr/lib/systemd/system/dps-agent.service"));
    assertEquals(
        List.of("@system-service", "~@privileged @resources"), unit.all("SystemCallFilter"));
    allowed = new TreeSet<>(SyscallSets.expand("@system-service"));
    allowed.removeAll(SyscallSets.expand("@privileged"));
    allowed.removeAll(SyscallSets.expand("@resources"));
  }

  @Test
  void networkPathStaysInsideTheFilter() throws IOException {
    Path config =
        config(
            "",
            """
            [provisioning.retry]
            max_attempts = 2
            max_elapsed_seconds = 10
            [output]
            dir = "%s"
            """
                .formatted(dir.resolve("out")));
    // Nothing listens on port 1: TLS set-up, connect, back-off and exit 5 (transient).
    assertFilterAllows(traced(Map.of(), 5, "provision", "--config", config.toString()));
  }

  @Test
  void daemonServingFromAFreshJvmStaysInsideTheFilter() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path tokens = dir.resolve("run");
    // A cached set the daemon serves without DPS or the hub (no network), then its exec.
    Files.writeString(
        out.resolve("connection.json"),
        """
        {"hubHostName": "hub.example", "deviceId": "gw-1", "registrationId": "gw-1",
         "idScope": "0ne00000000", "attestation": "symmetric_key", "auth": {"type": "sas"},
         "provisionedAt": "2026-12-01T00:00:00Z"}
        """);
    Path config =
        config(
            "reprovision = \"never\"\n",
            """
            [hub]
            verify = false
            [output]
            dir = "%s"
            token_dir = "%s"
            """
                .formatted(out, tokens));
    Path trace = dir.resolve("trace-run");
    Path log = dir.resolve("run.log");
    ProcessBuilder builder =
        new ProcessBuilder(underStrace(trace, "run", "--config", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder
        .environment()
        .put("DPS_AGENT_LEAN_RESTART", "0"); // at once, as the launcher's after 30 s
    Process strace = builder.start();
    try {
      Instant deadline = Instant.now().plusSeconds(90);
      while (!tokenWrittenAfterTheExec(Files.readString(log))) {
        assertTrue(strace.isAlive(), "the traced daemon ended:\n" + Files.readString(log));
        assertTrue(
            Instant.now().isBefore(deadline),
            "no token from a fresh JVM:\n" + Files.readString(log));
        Thread.sleep(100);
      }
      strace.toHandle().children().forEach(ProcessHandle::destroy); // SIGTERM to the daemon
      assertTrue(strace.waitFor(60, TimeUnit.SECONDS), "the daemon did not stop");
      assertEquals(0, strace.exitValue(), Files.readString(log));
    } finally {
      strace.destroyForcibly();
    }
    assertFilterAllows(calls(trace));
  }

  private static boolean tokenWrittenAfterTheExec(String log) {
    int exec = log.indexOf("serving from a fresh JVM");
    return exec >= 0 && log.indexOf("wrote a hub token", exec) >= 0;
  }

  @Test
  void pkcs11PathStaysInsideTheFilter() throws IOException {
    Path tokens = Files.createDirectory(dir.resolve("tokens"));
    Path conf =
        Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = " + tokens + "\n");
    Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString());
    Command.run(
            env,
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "gw",
            "--so-pin",
            "1234",
            "--pin",
            "5678")
        .requireSuccess();
    String uri =
        "pkcs11:token=gw;object=device;type=private?pin-source=file:" + secret("pin", "5678");
    String module = "/usr/lib/softhsm/libsofthsm2.so";
    assertFilterAllows(traced(env, 0, "pkcs11", "keygen", "--module", module, "--uri", uri));
    assertFilterAllows(
        traced(env, 0, "pkcs11", "csr", "--module", module, "--uri", uri, "--subject", "CN=gw-1"));
  }

  /** The system calls of one agent run under strace, after checking its exit code. */
  private Set<String> traced(Map<String, String> env, int exitCode, String... args)
      throws IOException {
    Path trace = dir.resolve("trace-" + args[0] + "-" + args[1]);
    Command run = Command.run(env, underStrace(trace, args).toArray(String[]::new));
    assertEquals(exitCode, run.exitCode(), run.output());
    return calls(trace);
  }

  /** The packaged agent with {@code args}, its system calls and its children's logged to trace. */
  private static List<String> underStrace(Path trace, String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "strace",
                "-f",
                "-qq",
                "-o",
                trace.toString(),
                "java",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
    argv.addAll(List.of(args));
    return argv;
  }

  /** The names of the system calls in an strace log. */
  private static Set<String> calls(Path trace) throws IOException {
    Set<String> calls = new TreeSet<>();
    Matcher m = CALL.matcher(Files.readString(trace));
    while (m.find()) {
      calls.add(m.group(1));
    }
    assertTrue(calls.size() > 20, "strace saw too few calls: " + calls);
    return calls;
  }

  private void assertFilterAllows(Set<String> calls) {
    Set<String> denied = new TreeSet<>(calls);
    denied.removeAll(allowed);
    assertEquals(Set.of(), denied, "system calls the units' SystemCallFilter= refuses");
  }

  /**
   * A symmetric-key configuration for {@code gw-1} whose DPS is unreachable: {@code provisioning}
   * more keys of that table, then {@code tables}.
   */
  private Path config(String provisioning, String tables) throws IOException {
    Path key = secret("device.key", "dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleQ==");
    return Files.writeString(
        dir.resolve("config.toml"),
        """
        [provisioning]
        global_endpoint = "https://127.0.0.1:1"
        id_scope = "0ne00000000"
        %s[provisioning.attestation]
        method = "symmetric_key"
        registration_id = "gw-1"
        symmetric_key = { uri = "file://%s" }
        %s"""
            .formatted(provisioning, key, tables));
  }

  private Path secret(String name, String content) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
