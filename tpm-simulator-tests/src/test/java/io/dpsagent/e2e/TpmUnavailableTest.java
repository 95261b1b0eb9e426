package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.hsm.testing.SilentTpm;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmTestAccess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tss.Tpm;

/**
 * A TPM that is not there or does not answer, through the CLI: exit code 6 with one line that says
 * so, within the run's time budget, nothing written into a file that is no TPM, and a stop request
 * (SIGTERM) honoured while the agent waits for the TPM.
 */
class TpmUnavailableTest {

  private static final byte[] CONTENT =
      "configuration, not a TPM\n".getBytes(StandardCharsets.US_ASCII);
  private static final FileTime LAST_YEAR =
      FileTime.fromMillis(System.currentTimeMillis() - 365L * 86_400_000);

  /** JVM-warm CLI start, config load and thread hand-offs on a busy 2-core machine. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  @TempDir Path home;

  /** DPS is never reached: the TPM is opened, and fails, before the first network call. */
  private Device device(String tcti) {
    return new Device(home)
        .endpoint(URI.create("https://127.0.0.1:9"), "0ne00000001", null)
        .tpm(tcti, "");
  }

  /** The config of a {@link #device} whose run may last {@code seconds}. */
  private String configWithin(String tcti, int seconds) throws Exception {
    return device(tcti)
        .config("[provisioning.retry]\nmax_elapsed_seconds = " + seconds)
        .writeConfig();
  }

  private static String tcti(SilentTpm silent) {
    return "swtpm:host=127.0.0.1,port=" + silent.port();
  }

  private static String noTpm(Path path) {
    return "dps-agent: error: no TPM at "
        + path
        + " (not a character device); is the TPM driver loaded? (ls -l /dev/tpm*)\n";
  }

  @Test
  void tpmIdentityLeavesARegularFileUntouched() throws Exception {
    Path file = fileThatIsNoTpm();
    CliRun run = CliRun.of("tpm", "identity", "--config", device("device:" + file).writeConfig());
    assertExit(6, run);
    assertEquals("", run.stdout());
    assertEquals(noTpm(file), run.stderr());
    assertUntouched(file);
  }

  @Test
  void provisionLeavesARegularFileUntouched() throws Exception {
    Path file = fileThatIsNoTpm();
    CliRun run = CliRun.of("provision", "--config", device("device:" + file).writeConfig());
    assertStderr(6, run, noTpm(file));
    assertUntouched(file);
  }

  @Test
  void missingDeviceIsNotCreated() throws Exception {
    Path missing = home.resolve("tpmrm0");
    String config = device("device:" + missing).writeConfig();
    for (List<String> command : List.of(List.of("provision"), List.of("tpm", "identity"))) {
      CliRun run = CliRun.of(args(command, config));
      assertEquals(6, run.exitCode(), command + ": " + run);
      assertEquals(noTpm(missing), run.stderr(), command.toString());
      assertFalse(Files.exists(missing), command + " created " + missing);
    }
  }

  @Test
  void directoryIsNoTpm() throws Exception {
    CliRun run = CliRun.of("provision", "--config", device("device:" + home).writeConfig());
    assertStderr(6, run, noTpm(home));
  }

  /** A TPM that takes the command and never answers: the run ends at max_elapsed_seconds. */
  @Test
  void provisionWithASilentTpmEndsWithinItsBudget() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      String tcti = tcti(silent);
      String config = configWithin(tcti, 5);
      long start = System.nanoTime();
      CliRun run = CliRun.of("provision", "--config", config);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertStderr(
          6,
          run,
          "dps-agent: error: "
              + tcti
              + ": TPM did not answer in 5 s (is another program using it?)\n");
      assertTrue(took.compareTo(Duration.ofMillis(4900)) >= 0, "gave up early, after " + took);
      assertTrue(took.compareTo(Duration.ofSeconds(5).plus(SLACK)) <= 0, "took " + took);
    }
  }

  /**
   * swtpm serves one client at a time; while another program holds it the agent waits only so long.
   */
  @Test
  void swtpmHeldByAnotherProgram() throws Exception {
    try (Swtpm swtpm = Swtpm.start();
        Tpm holder = TpmTestAccess.open(swtpm.tcti())) {
      String config = configWithin(swtpm.tcti().toString(), 2);
      for (List<String> command : List.of(List.of("provision"), List.of("tpm", "identity"))) {
        long start = System.nanoTime();
        CliRun run = CliRun.of(args(command, config));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(6, run.exitCode(), command + ": " + run);
        assertEquals(
            "dps-agent: error: "
                + swtpm.tcti()
                + ": TPM did not answer in 2 s"
                + " (is another program using it?)\n",
            run.stderr(),
            command.toString());
        assertTrue(
            took.compareTo(Duration.ofSeconds(2).plus(SLACK)) <= 0, command + " took " + took);
      }
    }
  }

  @Test
  void stopRequestEndsAProvisionWaitingForTheTpm() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      String tcti = tcti(silent);
      String config = configWithin(tcti, 60);
      Signals stop = new Signals();
      CompletableFuture<CliRun> running =
          CompletableFuture.supplyAsync(
              () -> CliRun.until(stop, Map.of(), "provision", "--config", config));
      assertTrue(silent.awaitCommand(Duration.ofSeconds(10)), "the agent never sent a TPM command");
      long stopped = System.nanoTime();
      stop.stop();
      CliRun run = running.get(10, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - stopped);
      assertTrue(
          took.compareTo(Duration.ofSeconds(2)) <= 0, "ended " + took + " after the stop request");
      assertStderr(
          6,
          run,
          "dps-agent: error: "
              + tcti
              + ": stopped waiting for the TPM (the agent was asked to stop)\n");
    }
  }

  /**
   * The real thing: SIGTERM to an agent process stuck on the TPM ends it without the 10 s grace.
   */
  @Test
  void sigtermEndsAProvisionProcessWaitingForTheTpm() throws Exception {
    try (SilentTpm silent = SilentTpm.start()) {
      String config = configWithin(tcti(silent), 60);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process agent =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.dpsagent.agent.cli.Main",
                  "provision",
                  "--config",
                  config)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectErrorStream(true)
              .start();
      try {
        assertTrue(
            silent.awaitCommand(Duration.ofSeconds(30)), "the agent never sent a TPM command");
        long stopped = System.nanoTime();
        agent.destroy(); // SIGTERM
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent did not exit after SIGTERM");
        Duration took = Duration.ofNanos(System.nanoTime() - stopped);
        assertEquals(143, agent.exitValue());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) <= 0, "exited " + took + " after SIGTERM");
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  private Path fileThatIsNoTpm() throws Exception {
    Path file = home.resolve("tpmrm0");
    Files.write(file, CONTENT);
    Files.setLastModifiedTime(file, LAST_YEAR);
    return file;
  }

  private static void assertUntouched(Path file) throws Exception {
    assertArrayEquals(CONTENT, Files.readAllBytes(file));
    assertEquals(LAST_YEAR, Files.getLastModifiedTime(file));
  }

  private static String[] args(List<String> command, String config) {
    return java.util.stream.Stream.concat(
            command.stream(), java.util.stream.Stream.of("--config", config))
        .toArray(String[]::new);
  }
}
