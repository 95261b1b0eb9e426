package io.dpsagent.e2e;

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

  /** The run, when it ends by itself. */
  CliRun awaitEnd() throws Exception {
    return run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  CliRun stopAndWait() throws Exception {
    signals.stop();
    return awaitEnd();
  }
}
