package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;

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
    readWhileServing(
        config,
        daemon -> {
          check.check(daemon);
          return null;
        });
  }

  /** What a test reads while a daemon serves, for checks after the daemon stopped. */
  interface Reading<T> {
    T read(RunningDaemon daemon) throws Exception;
  }

  /** Like {@link #whileServing}, returning what {@code read} returned. */
  static <T> T readWhileServing(String config, Reading<T> read) throws Exception {
    RunningDaemon daemon = new RunningDaemon(config);
    try {
      return read.read(daemon);
    } finally {
      assertExit(0, daemon.stopAndWait());
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
