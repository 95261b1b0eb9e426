package io.dpsagent.agent.dps;

import io.dpsagent.agent.config.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt: capped exponential back-off with full jitter, unless
 * the server said how long ({@code Retry-After}), which wins after being clamped to the configured
 * range. Full jitter spreads a fleet that failed together over the whole window, so devices that
 * lose DPS at the same moment do not come back at the same moment.
 */
public final class Backoff {

  private final RetryConfig retry;
  private final RandomGenerator random;

  public Backoff(RetryConfig retry, RandomGenerator random) {
    this.retry = retry;
    this.random = random;
  }

  /** The wait after the {@code failures}-th consecutive failure (1-based). */
  public Duration afterFailure(int failures, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      return clampRetryAfter(retryAfter.get());
    }
    long ceiling = exponentialCeiling(failures).toMillis();
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /** The wait before the next poll of an operation that is still assigning. */
  public Duration beforePoll(Optional<Duration> retryAfter) {
    return clampRetryAfter(retryAfter.orElse(retry.defaultPollInterval()));
  }

  Duration exponentialCeiling(int failures) {
    Duration cap = retry.maxBackoff();
    Duration step = retry.initialBackoff();
    for (int i = 1; i < failures && step.compareTo(cap) < 0; i++) {
      step = step.multipliedBy(2);
    }
    return step.compareTo(cap) < 0 ? step : cap;
  }

  private Duration clampRetryAfter(Duration value) {
    if (value.compareTo(retry.retryAfterMin()) < 0) {
      return retry.retryAfterMin();
    }
    return value.compareTo(retry.retryAfterMax()) > 0 ? retry.retryAfterMax() : value;
  }
}
