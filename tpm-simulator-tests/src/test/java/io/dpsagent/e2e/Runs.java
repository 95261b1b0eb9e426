package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import java.time.Duration;
import java.time.Instant;

/**
 * What a test checks of an agent run: its exit code first, then what it said. Every failure shows
 * the whole run (exit code, stdout and stderr), since the one stream checked rarely explains why.
 */
public final class Runs {

  private Runs() {}

  /**
   * {@code dps-agent provision} in this JVM with {@code device}'s config as it is now, which must
   * exit with {@code exitCode}.
   */
  public static CliRun provisionExits(Device device, int exitCode) throws Exception {
    return assertExit(exitCode, CliRun.of("provision", "--config", device.writeConfig()));
  }

  /** {@code dps-agent provision} of {@code device}, which must succeed. */
  public static CliRun provisioned(Device device) throws Exception {
    return provisionExits(device, 0);
  }

  /** A run and how long it took, for the checks of time budgets. */
  public record Timed(CliRun run, Duration took) {}

  /** {@code dps-agent provision --config config} in this JVM, timed from outside. */
  public static Timed timedProvision(String config) {
    Instant start = Instant.now();
    CliRun run = CliRun.of("provision", "--config", config);
    return new Timed(run, Duration.between(start, Instant.now()));
  }

  /** The run ended with {@code exitCode}; returns it for the checks that follow. */
  public static CliRun assertExit(int exitCode, CliRun run) {
    assertEquals(exitCode, run.exitCode(), run.toString());
    return run;
  }

  /** The run ended with {@code exitCode} and its stderr holds each of {@code parts}. */
  public static CliRun assertStderrHolds(int exitCode, CliRun run, String... parts) {
    assertExit(exitCode, run);
    for (String part : parts) {
      assertTrue(run.stderr().contains(part), "stderr lacks '" + part + "': " + run);
    }
    return run;
  }

  /** The run ended with {@code exitCode} and its stderr begins with {@code prefix}. */
  public static CliRun assertStderrStartsWith(int exitCode, CliRun run, String prefix) {
    assertExit(exitCode, run);
    assertTrue(run.stderr().startsWith(prefix), "stderr does not begin '" + prefix + "': " + run);
    return run;
  }

  /** The run ended with {@code exitCode} and its stderr is exactly {@code stderr}. */
  public static CliRun assertStderr(int exitCode, CliRun run, String stderr) {
    assertExit(exitCode, run);
    assertEquals(stderr, run.stderr(), run.toString());
    return run;
  }

  /**
   * The run ended with {@code exitCode} and the last line of its stderr, where a run says why it
   * gave up or what it warns of last, is {@code lastLine}.
   */
  public static CliRun assertLastLine(int exitCode, CliRun run, String lastLine) {
    assertExit(exitCode, run);
    assertEquals(lastLine, Stderr.lastLine(run), run.toString());
    return run;
  }
}
