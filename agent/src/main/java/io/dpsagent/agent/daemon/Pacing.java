package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.dps.AskedToWaitException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.random.RandomGenerator;

/**
 * How the daemon waits: between whole provisioning runs (capped, equally jittered back-off that
 * never undercuts a {@code Retry-After}), and inside them, always feeding systemd's watchdog and
 * ending at once when the operator asks for something.
 */
final class Pacing {

  /** Back-off between whole provisioning runs that ended in a failure that may clear. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);

  static final Duration MAX_RETRY = Duration.ofHours(1);

  private final Clock clock;
  private final Signals signals;
  private final Watchdog watchdog;
  private final RandomGenerator random;

  Pacing(Clock clock, Signals signals, Watchdog watchdog, RandomGenerator random) {
    this.clock = clock;
    this.signals = signals;
    this.watchdog = watchdog;
    this.random = random;
  }

  /** Waits, pinging the watchdog, until {@code duration} passed or a request came. */
  Signals.Wake waitFor(Duration duration) throws InterruptedException {
    Instant end = clock.instant().plus(duration);
    while (true) {
      watchdog.ping();
      Duration left = Duration.between(clock.instant(), end);
      Signals.Wake wake = signals.await(watchdog.maxWait(left.isNegative() ? Duration.ZERO : left));
      if (wake != Signals.Wake.TIMEOUT || !clock.instant().isBefore(end)) {
        return wake;
      }
    }
  }

  /** The registration's own back-off sleeps: they keep the watchdog fed and end on a stop. */
  void sleepServingWatchdog(Duration duration) throws InterruptedException {
    Instant end = clock.instant().plus(duration);
    while (clock.instant().isBefore(end)) {
      watchdog.ping();
      if (signals.awaitStop(watchdog.maxWait(Duration.between(clock.instant(), end)))) {
        throw new InterruptedException("stop requested");
      }
    }
  }

  Duration jitter(Duration ceiling) {
    return jitter(ceiling, random);
  }

  Duration beforeNextRun(Duration ceiling, AgentException failure) {
    return waitBeforeNextRun(ceiling, failure, random);
  }

  /**
   * The pause after a run that ended in transient failure: jittered between half the ceiling and
   * the ceiling, and never shorter than a wait DPS asked for that the run could not fit.
   */
  static Duration waitBeforeNextRun(
      Duration ceiling, AgentException failure, RandomGenerator random) {
    Duration wait = jitter(ceiling, random);
    if (failure instanceof AskedToWaitException asked
        && asked.requestedWait().compareTo(wait) > 0) {
      return asked.requestedWait();
    }
    return wait;
  }

  /** Equal jitter: between half the ceiling and the ceiling, so no wait is close to zero. */
  private static Duration jitter(Duration ceiling, RandomGenerator random) {
    return Duration.ofMillis(random.nextLong(ceiling.toMillis() / 2, ceiling.toMillis() + 1));
  }

  static Duration longer(Duration ceiling) {
    return min(ceiling.multipliedBy(2), MAX_RETRY);
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** When a wait of {@code wait} ends, to the second, for STATUS= lines. */
  String endOf(Duration wait) {
    return clock.instant().plus(wait).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
