package io.dpsagent.agent.transport;

import java.time.Duration;
import java.util.Optional;

/**
 * The wait DPS asks for, as both protocols carry it: {@code Retry-After} or {@code retry-after=}.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /** DPS sends integer seconds; anything else (an HTTP date, garbage) is ignored. */
  public static Optional<Duration> parse(String value) {
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
