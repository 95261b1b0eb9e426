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
    return new RetryConfig(attempts, maxElapsed, Duration.ofMillis(500), Duration.ofSeconds(8),
        Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  private final Backoff backoff = new Backoff(retry(10, Duration.ofMinutes(5)), new SplittableRandom(42));

  @Test
  void ceilingDoublesPerFailureUpToTheCap() {
    assertEquals(Duration.ofMillis(500), backoff.exponentialCeiling(1));
    assertEquals(Duration.ofMillis(1000), backoff.exponentialCeiling(2));
    assertEquals(Duration.ofMillis(4000), backoff.exponentialCeiling(4));
    assertEquals(Duration.ofSeconds(8), backoff.exponentialCeiling(5));
    assertEquals(Duration.ofSeconds(8), backoff.exponentialCeiling(60));
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCeiling() {
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      long wait = backoff.afterFailure(3, Optional.empty()).toMillis();
      assertTrue(wait >= 0 && wait <= 2000, "wait " + wait);
      max = Math.max(max, wait);
    }
    assertTrue(max > 1000, "jitter should spread over the window, max was " + max);
  }

  @Test
  void retryAfterWinsAndIsClamped() {
    assertEquals(Duration.ofSeconds(2), backoff.afterFailure(1, Optional.of(Duration.ofSeconds(2))));
    assertEquals(Duration.ofSeconds(1), backoff.afterFailure(1, Optional.of(Duration.ZERO)));
    assertEquals(Duration.ofSeconds(30), backoff.afterFailure(1, Optional.of(Duration.ofHours(1))));
  }

  @Test
  void pollsAtTheDefaultIntervalWithoutRetryAfter() {
    assertEquals(Duration.ofSeconds(2), backoff.beforePoll(Optional.empty()));
    assertEquals(Duration.ofSeconds(3), backoff.beforePoll(Optional.of(Duration.ofSeconds(3))));
  }
}
