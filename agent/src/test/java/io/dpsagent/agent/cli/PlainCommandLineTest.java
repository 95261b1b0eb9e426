package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code status} and {@code provision} lines run without picocli mean what picocli makes of them,
 * and print the same.
 */
class PlainCommandLineTest {

  private static final Main.Context NOWHERE = context(new ByteArrayOutputStream());

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void provisionedDevice() throws Exception {
    Path key = dir.resolve("device.key");
    Files.writeString(key, "q83vEjRWeJq8OrxRIjNEVWZ3iJmqu8zd7v8AESIzRFU=\n");
    Path out = Files.createDirectory(dir.resolve("out"));
    config = dir.resolve("config.toml");
    Files.writeString(
        config, DeviceConfigs.symmetricKey(key.toUri(), "[output]\ndir = \"" + out + "\"\n"));
    Files.writeString(
        out.resolve("connection.json"),
        """
        {
          "schemaVersion" : 1,
          "hubHostName" : "hub-1.azure-devices.net",
          "deviceId" : "gw-0042",
          "registrationId" : "gw-0042",
          "idScope" : "0ne00000042",
          "dpsEndpoint" : "https://global.azure-devices-provisioning.net",
          "attestation" : "symmetric_key",
          "auth" : { "type" : "sas", "keyUri" : "file:///etc/dps-agent/device.key" },
          "substatus" : "initialAssignment",
          "provisionedAt" : "2026-12-01T18:49:47.183635582Z",
          "identityFingerprint" : "sha256:66d31d507bc9bcfe3e2e4b00a8328e29",
          "hubVerification" : { "result" : "reachable", "at" : "2026-12-01T18:49:48Z", "detail" : "CONNACK 0" }
        }
        """);
    Files.writeString(
        out.resolve("state.json"),
        """
        {
          "pid" : %d,
          "startedAt" : "2026-12-01T18:49:53.216360519Z",
          "phase" : "waiting",
          "source" : "cache",
          "lastAttempt" : { "at" : "2026-12-01T18:50:00Z", "succeeded" : false,
                            "kind" : "transient", "message" : "DPS unreachable" },
          "nextAttemptAt" : "2026-12-01T18:51:00.500Z",
          "tokenExpiresAt" : "2026-12-01T19:50:53.844833819Z",
          "certificateRenewalAt" : "2026-12-20T00:00:00Z",
          "updatedAt" : "2026-12-01T18:50:00.898775778Z"
        }
        """
            .formatted(ProcessHandle.current().pid()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedLines")
  void acceptedLinesHoldWhatPicocliParsesFromThem(List<String> line) {
    String[] args = line.toArray(String[]::new);
    Optional<ContextCommand> plain = PlainCommandLine.parse(args, NOWHERE);
    assertTrue(plain.isPresent(), line.toString());
    assertEquals(options(picocliParse(args)), options(plain.get()), line.toString());
  }

  static Stream<List<String>> acceptedLines() {
    return Stream.of(
        List.of("status"),
        List.of("status", "--json"),
        List.of("status", "--config", "/etc/dps-agent/other.toml"),
        List.of("status", "--config=relative/c.toml", "--json"),
        List.of("status", "--json", "--config", "status"),
        List.of("status", "--config", "with space.toml"),
        List.of("status", "--config", "\"quoted\".toml"),
        List.of("status", "--config", "=x"),
        List.of("provision"),
        List.of("provision", "--json"),
        List.of("provision", "-v"),
        List.of("provision", "--verbose", "--json"),
        List.of("provision", "--config", "/etc/dps-agent/other.toml", "-v"),
        List.of("provision", "--json", "--config=relative/c.toml", "--verbose"),
        List.of("provision", "--config", "provision"));
  }

  @Test
  void aStatusLineWithoutConfigReadsTheDefaultFile() {
    assertEquals(
        ConfigLoader.DEFAULT_PATH,
        ((StatusCommand) PlainCommandLine.parse(new String[] {"status"}, NOWHERE).get())
            .config
            .file);
  }

  @Test
  void everyOtherLineIsLeftToPicocli() {
    for (List<String> line :
        List.of(
            List.<String>of(),
            List.of("check"),
            List.of("status", "--help"),
            List.of("status", "-h"),
            List.of("status", "-V"),
            List.of("status", "--jso"),
            List.of("status", "--json", "--json"),
            List.of("status", "--config", "a.toml", "--config", "b.toml"),
            List.of("status", "--config=a.toml", "--config", "b.toml"),
            List.of("status", "--config"),
            List.of("status", "--config", "--json"),
            List.of("status", "--config", "-x.toml"),
            List.of("status", "--config="),
            List.of("status", "--config", ""),
            List.of("status", "--config", "nul\0.toml"),
            List.of("status", "@args"),
            List.of("status", "--config", "@args"),
            List.of("status", "--", "--json"),
            List.of("status", "extra"))) {
      assertFalse(
          PlainCommandLine.parse(line.toArray(String[]::new), NOWHERE).isPresent(),
          line.toString());
    }
  }

  @Test
  void statusPrintsWhatItPrintedThroughPicocli() {
    String file = config.toString();
    String absent = dir.resolve("absent.toml").toString();
    for (List<String> line :
        List.of(
            List.of("status", "--config", file),
            List.of("status", "--config=" + file, "--json"),
            List.of("status", "--config", absent),
            List.of("status", "--json", "--config", absent))) {
      runsAsThroughPicocli(line);
    }
    Outcome text =
        Outcome.of(context -> Main.run(new String[] {"status", "--config", file}, context));
    assertEquals(0, text.exitCode());
    assertEquals(
        """
        assignment:    gw-0042 on hub-1.azure-devices.net
        identity:      gw-0042 (symmetric_key, scope 0ne00000042),\
         sha256:66d31d507bc9bcfe3e2e4b00a8328e29
        provisioned:   2026-12-01T18:49:47.183635582Z
        hub:           reachable at 2026-12-01T18:49:48Z (CONNACK 0)
        daemon:        running, PID %d, waiting (assignment from cache)
        last attempt:  2026-12-01T18:50:00Z failed (transient): DPS unreachable
        next attempt:  2026-12-01T18:51:00.500Z
        hub token:     valid until 2026-12-01T19:50:53.844833819Z
        renewal due:   2026-12-20T00:00:00Z
        """
            .formatted(ProcessHandle.current().pid()),
        text.stdout());
    assertEquals(
        ("{\"provisioned\":true,\"assignment\":{\"hubHostName\":\"hub-1.azure-devices.net\","
                + "\"deviceId\":\"gw-0042\",\"registrationId\":\"gw-0042\",\"idScope\":\"0ne00000042\","
                + "\"attestation\":\"symmetric_key\",\"authType\":\"sas\","
                + "\"provisionedAt\":\"2026-12-01T18:49:47.183635582Z\","
                + "\"identityFingerprint\":\"sha256:66d31d507bc9bcfe3e2e4b00a8328e29\","
                + "\"hubVerification\":{\"result\":\"reachable\",\"at\":\"2026-12-01T18:49:48Z\","
                + "\"detail\":\"CONNACK 0\"}},\"daemon\":{\"running\":true,\"pid\":%d,"
                + "\"phase\":\"waiting\",\"source\":\"cache\","
                + "\"startedAt\":\"2026-12-01T18:49:53.216360519Z\",\"lastAttempt\":"
                + "{\"at\":\"2026-12-01T18:50:00Z\",\"succeeded\":false,\"kind\":\"transient\","
                + "\"message\":\"DPS unreachable\"},\"nextAttemptAt\":\"2026-12-01T18:51:00.500Z\","
                + "\"tokenExpiresAt\":\"2026-12-01T19:50:53.844833819Z\","
                + "\"certificateRenewalAt\":\"2026-12-20T00:00:00Z\"}}\n")
            .formatted(ProcessHandle.current().pid()),
        Outcome.of(
                context -> Main.run(new String[] {"status", "--json", "--config", file}, context))
            .stdout());
    Outcome missing =
        Outcome.of(
            context -> Main.run(new String[] {"status", "--json", "--config", absent}, context));
    assertEquals(2, missing.exitCode());
    assertEquals(
        "dps-agent: error: config " + absent + " does not exist; pass --config FILE\n",
        missing.stderr());
    assertTrue(missing.stdout().startsWith("{\"error\":{\"exitCode\":2,\"kind\":\"config\""));
  }

  @Test
  void withoutOutputsStatusSaysSoInBothForms() throws Exception {
    Files.delete(dir.resolve("out/connection.json"));
    Files.delete(dir.resolve("out/state.json"));
    String file = config.toString();

    assertEquals(
        new Outcome(
            0,
            "assignment:    none (not provisioned yet)\n"
                + "daemon:        not running (no state recorded)\n",
            ""),
        Outcome.of(context -> Main.run(new String[] {"status", "--config", file}, context)));
    assertEquals(
        new Outcome(0, "{\"provisioned\":false,\"daemon\":{\"running\":false}}\n", ""),
        Outcome.of(
            context -> Main.run(new String[] {"status", "--config", file, "--json"}, context)));
  }

  @Test
  void aStoppedDaemonsStateIsItsLastWord() throws Exception {
    Files.writeString(
        dir.resolve("out/state.json"),
        """
        {"pid" : %d, "startedAt" : "2026-12-01T18:49:53Z", "phase" : "stopped", "source" : "dps",
         "lastAttempt" : { "at" : "2026-12-01T18:50:00Z", "succeeded" : true },
         "updatedAt" : "2026-12-01T18:55:00Z"}
        """
            .formatted(ProcessHandle.current().pid()));
    String[] args = {"status", "--config", config.toString()};

    String text = Outcome.of(context -> Main.run(args, context)).stdout();

    assertTrue(
        text.endsWith(
            "daemon:        not running (last seen 2026-12-01T18:55:00Z)\n"
                + "last attempt:  2026-12-01T18:50:00Z succeeded\n"),
        text);
  }

  @Test
  void everyOtherProvisionLineIsLeftToPicocli() {
    for (List<String> line :
        List.of(
            List.of("provision", "--help"),
            List.of("provision", "-h"),
            List.of("provision", "-vh"),
            List.of("provision", "-v", "--verbose"),
            List.of("provision", "-v", "-v"),
            List.of("provision", "--json", "--json"),
            List.of("provision", "--verbose=true"),
            List.of("provision", "--config", "a.toml", "--config=b.toml"),
            List.of("provision", "--config", "-v"),
            List.of("provision", "@args"),
            List.of("provision", "extra"),
            List.of("run", "--config", "a.toml"))) {
      assertFalse(
          PlainCommandLine.parse(line.toArray(String[]::new), NOWHERE).isPresent(),
          line.toString());
    }
  }

  @Test
  void provisionFailsAsItFailedThroughPicocli() throws Exception {
    String absent = dir.resolve("absent.toml").toString();
    Path broken = dir.resolve("broken.toml");
    Files.writeString(broken, "[provisioning]\nid_scope = 42\n");
    for (List<String> line :
        List.of(
            List.of("provision", "--config", absent),
            List.of("provision", "--json", "--config", absent),
            List.of("provision", "-v", "--config=" + broken),
            List.of("provision", "--config", broken.toString(), "--json"))) {
      assertEquals(2, runsAsThroughPicocli(line).exitCode(), line.toString());
    }
  }

  /** What {@code line} does run without picocli, checked to be what it does through picocli. */
  private static Outcome runsAsThroughPicocli(List<String> line) {
    String[] args = line.toArray(String[]::new);
    assertTrue(PlainCommandLine.parse(args, NOWHERE).isPresent(), line.toString());
    Outcome plain = Outcome.of(context -> Main.run(args, context));
    Outcome picocli =
        Outcome.of(
            context ->
                Main.parseAndRun(
                    args, context, new Failures(context, Arrays.asList(args).contains("--json"))));
    assertEquals(picocli, plain, line.toString());
    return plain;
  }

  /** What picocli makes of {@code args}, as {@link Main} builds the command's model. */
  private static ContextCommand picocliParse(String[] args) {
    CommandSpec spec =
        args[0].equals("status") ? StatusCommand.spec(NOWHERE) : ProvisionCommand.spec(NOWHERE);
    new CommandLine(spec).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    return (ContextCommand) spec.userObject();
  }

  /** The options a status or provision command was given, so that two parses compare whole. */
  private static List<Object> options(ContextCommand command) {
    if (command instanceof StatusCommand status) {
      return Arrays.asList(status.json, status.config.file);
    }
    ProvisionCommand provision = (ProvisionCommand) command;
    return Arrays.asList(provision.json.json, provision.verbose.verbose, provision.config.file);
  }

  private static Main.Context context(ByteArrayOutputStream out) {
    return context(out, new ByteArrayOutputStream());
  }

  private static Main.Context context(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return new Main.Context(
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        Clock.systemUTC(),
        d -> {});
  }

  private record Outcome(int exitCode, String stdout, String stderr) {
    static Outcome of(ToIntFunction<Main.Context> run) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = run.applyAsInt(context(out, err));
      return new Outcome(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }
}
