package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.Signals;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code dps-agent run} in this JVM, in the background, stopped through its {@link Signals} as
 * SIGTERM would.
 */
final class RunningDaemon {

  static final Duration BOUND = Duration.ofSeconds(30);

  final Signals signals = new Signals();
  final CompletableFuture<CliRun> run;

  RunningDaemon(String config) {
    this(config, Map.of());
  }

  RunningDaemon(String config, Map<String, String> environment) {
    run =
        CompletableFuture.supplyAsync(
            () -> CliRun.until(signals, environment, "run", "--config", config));
  }

  /** What a test checks while a daemon serves. */
  interface WhileServing {
    void check(RunningDaemon daemon) throws Exception;
  }

  /**
   * Runs {@code check} while the daemon of {@code config} serves, then stops it: the stop must end
   * with exit 0 whether the check passed or not.
   */
  static void whileServing(String config, WhileServing check) throws Exception {
    RunningDaemon daemon = new RunningDaemon(config);
    try {
      check.check(daemon);
    } finally {
      assertEquals(0, daemon.stopAndWait().exitCode());
    }
  }

  /** The run, when it ends by itself. */
  CliRun awaitEnd() throws Exception {
    return run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  CliRun stopAndWait() throws Exception {
    signals.stop();
    return awaitEnd();
  }
}
