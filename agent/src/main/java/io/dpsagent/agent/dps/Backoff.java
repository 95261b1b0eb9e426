package io.dpsagent.agent.dps;

import io.dpsagent.agent.config.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt: capped exponential back-off with equal jitter, unless
 * the server said how long ({@code Retry-After}), which wins. The jitter spreads a fleet that
 * failed together over the upper half of the window, so devices that lose DPS at the same moment do
 * not come back at the same moment, while no device comes back sooner than half the step: a quick
 * second try only spends quota that a throttled DPS counts per minute.
 *
 * <p>A {@code Retry-After} is never shortened: retrying before DPS asked prolongs the throttling.
 * Only a value below {@link RetryConfig#retryAfterMin()} (such as 0) is raised to it. Whether a
 * long wait still fits the run's time budget is the {@link RegistrationClient}'s decision.
 *
 * @param retry the limits the waits are drawn within, which also bound the run that waits
 * @param random the jitter's source; tests seed it
 */
public record Backoff(RetryConfig retry, RandomGenerator random) {

  /** The wait after the {@code failures}-th consecutive failure (1-based). */
  public Duration afterFailure(int failures, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      return atLeastMin(retryAfter.get());
    }
    long ceiling = exponentialCeiling(failures).toMillis();
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
  }

  /** The wait before the next poll of an operation that is still assigning. */
  public Duration beforePoll(Optional<Duration> retryAfter) {
    return atLeastMin(retryAfter.orElse(retry.defaultPollInterval()));
  }

  Duration exponentialCeiling(int failures) {
    Duration cap = retry.maxBackoff();
    Duration step = retry.initialBackoff();
    for (int i = 1; i < failures && step.compareTo(cap) < 0; i++) {
      step = step.multipliedBy(2);
    }
    return step.compareTo(cap) < 0 ? step : cap;
  }

  private Duration atLeastMin(Duration value) {
    return value.compareTo(retry.retryAfterMin()) < 0 ? retry.retryAfterMin() : value;
  }
}
