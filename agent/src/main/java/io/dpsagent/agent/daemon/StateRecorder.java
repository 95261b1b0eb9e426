package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.OutputWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The daemon's {@code state.json}, kept as it goes: every change is written at once into the output
 * directory of the running configuration, and a write that fails is only logged ({@code status}
 * then shows less; nothing else depends on it).
 */
final class StateRecorder {

  private static final Log LOG = Log.of(StateRecorder.class);

  private final Clock clock;
  private final Supplier<OutputConfig> output;
  private DaemonState state;

  StateRecorder(Clock clock, Supplier<OutputConfig> output) {
    this.clock = clock;
    this.output = output;
    Instant now = clock.instant();
    this.state =
        new DaemonState(
            ProcessHandle.current().pid(),
            now,
            "starting",
            "none",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now);
  }

  /**
   * Carries on the state that the JVM this one replaced wrote (same process, see {@link
   * LeanRestart}): when the daemon started and how its last attempt ended stay what they were.
   */
  void continueFromReplaced() {
    DaemonState.read(output.get().dir())
        .filter(previous -> previous.pid() == ProcessHandle.current().pid())
        .ifPresent(previous -> state = previous);
  }

  /** Where the assignment being served came from: {@code none}, {@code cache} or {@code dps}. */
  String source() {
    return state.source();
  }

  void phase(String phase) {
    update(state.phase(phase, clock.instant()));
  }

  void serving(String source) {
    update(state.serving(source, clock.instant()));
  }

  void token(Instant expiry) {
    update(state.token(expiry, clock.instant()));
  }

  /** When the issued certificate is next renewed; empty when nothing is to be renewed. */
  void renewal(Optional<Instant> at) {
    update(state.renewal(at, clock.instant()));
  }

  /** A renewal that wrote a new set, due again at {@code next}: one change. */
  void renewed(Instant next) {
    Instant now = clock.instant();
    update(
        state
            .attempted(
                new DaemonState.Attempt(now, true, Optional.empty(), Optional.empty()),
                Optional.empty(),
                now)
            .serving("dps", now)
            .renewal(Optional.of(next), now));
  }

  /** A renewal that failed while the set in use is still served; tried again at {@code next}. */
  void renewalFailed(AgentException e, Instant next) {
    Instant now = clock.instant();
    update(
        state
            .attempted(failure(e, now), Optional.empty(), now)
            .serving(state.source(), now)
            .renewal(Optional.of(next), now));
  }

  void succeeded() {
    attempted(
        new DaemonState.Attempt(clock.instant(), true, Optional.empty(), Optional.empty()),
        Optional.empty());
  }

  /** A failed attempt, and when the next one is due (empty: none planned). */
  void failed(AgentException e, Optional<Instant> next) {
    attempted(failure(e, clock.instant()), next);
  }

  private static DaemonState.Attempt failure(AgentException e, Instant at) {
    return new DaemonState.Attempt(
        at,
        false,
        Optional.of(e.kind().name().toLowerCase(Locale.ROOT)),
        Optional.of(e.getMessage()));
  }

  private void attempted(DaemonState.Attempt attempt, Optional<Instant> next) {
    update(state.attempted(attempt, next, clock.instant()));
  }

  private void update(DaemonState next) {
    state = next;
    try {
      OutputWriter.prepareDirectory(output.get());
      state.write(output.get().dir());
    } catch (IOException e) {
      LOG.debug(() -> "cannot write " + DaemonState.FILE + ": " + e.getMessage());
    }
  }
}
