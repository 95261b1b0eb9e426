package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.config.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  static RetryConfig retry(int attempts, Duration maxElapsed) {
    return retry(attempts, maxElapsed, Duration.ofSeconds(5));
  }

  static RetryConfig retry(int attempts, Duration maxElapsed, Duration requestTimeout) {
    return new RetryConfig(
        attempts,
        maxElapsed,
        Duration.ofMillis(500),
        Duration.ofSeconds(8),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        requestTimeout);
  }

  private final Backoff backoff =
      new Backoff(retry(10, Duration.ofMinutes(5)), new SplittableRandom(42));

  @Test
  void ceilingDoublesPerFailureUpToTheCap() {
    assertEquals(Duration.ofMillis(500), backoff.exponentialCeiling(1));
    assertEquals(Duration.ofMillis(1000), backoff.exponentialCeiling(2));
    assertEquals(Duration.ofMillis(4000), backoff.exponentialCeiling(4));
    assertEquals(Duration.ofSeconds(8), backoff.exponentialCeiling(5));
    assertEquals(Duration.ofSeconds(8), backoff.exponentialCeiling(60));
  }

  @Test
  void equalJitterStaysBetweenHalfTheCeilingAndTheCeiling() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      long wait = backoff.afterFailure(3, Optional.empty()).toMillis();
      assertTrue(wait >= 1000 && wait <= 2000, "wait " + wait);
      min = Math.min(min, wait);
      max = Math.max(max, wait);
    }
    assertTrue(
        min < 1100 && max > 1900, "jitter should spread over the window, saw " + min + ".." + max);
  }

  /** A 5xx without Retry-After was once retried after 0.3 s: full jitter had no floor. */
  @Test
  void noWaitWithoutRetryAfterIsShorterThanHalfTheFirstStep() {
    Backoff defaults =
        new Backoff(
            new RetryConfig(
                10,
                Duration.ofMinutes(5),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30)),
            new SplittableRandom(0));
    for (long seed = 0; seed < 200; seed++) {
      Backoff seeded = new Backoff(retry(10, Duration.ofMinutes(5)), new SplittableRandom(seed));
      for (int failures = 1; failures <= 10; failures++) {
        Duration wait = seeded.afterFailure(failures, Optional.empty());
        Duration floor = seeded.exponentialCeiling(failures).dividedBy(2);
        assertTrue(
            wait.compareTo(floor) >= 0, "seed " + seed + ", failure " + failures + ": " + wait);
        assertTrue(
            defaults.afterFailure(failures, Optional.empty()).compareTo(Duration.ofSeconds(1))
                >= 0);
      }
    }
  }

  @Test
  void retryAfterWinsAndIsNeverShortened() {
    assertEquals(
        Duration.ofSeconds(2), backoff.afterFailure(1, Optional.of(Duration.ofSeconds(2))));
    assertEquals(
        Duration.ofSeconds(90), backoff.afterFailure(1, Optional.of(Duration.ofSeconds(90))));
    assertEquals(Duration.ofHours(1), backoff.afterFailure(1, Optional.of(Duration.ofHours(1))));
  }

  @Test
  void aRetryAfterOfZeroIsRaisedToTheFloor() {
    assertEquals(Duration.ofSeconds(1), backoff.afterFailure(1, Optional.of(Duration.ZERO)));
    assertEquals(Duration.ofSeconds(1), backoff.beforePoll(Optional.of(Duration.ZERO)));
  }

  @Test
  void pollsAtTheDefaultIntervalWithoutRetryAfter() {
    assertEquals(Duration.ofSeconds(2), backoff.beforePoll(Optional.empty()));
    assertEquals(Duration.ofSeconds(3), backoff.beforePoll(Optional.of(Duration.ofSeconds(3))));
    assertEquals(Duration.ofSeconds(120), backoff.beforePoll(Optional.of(Duration.ofSeconds(120))));
  }
}
