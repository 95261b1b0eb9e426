package io.dpsagent.emulator.device;

import java.time.Duration;

/**
 * How the device API behaves where DPS leaves room or the emulator offers test knobs.
 *
 * @param retryAfterSeconds the {@code Retry-After} sent with every 202
 * @param pollsBeforeAssignment how many polls answer "assigning" before the result; 0 means the
 *     first poll already gets it
 * @param sasClockSkew how long after its expiry a SAS token is still accepted
 * @param strictApiVersion reject requests whose {@code api-version} is missing or unknown
 */
public record ProtocolSettings(
    int retryAfterSeconds,
    int pollsBeforeAssignment,
    Duration sasClockSkew,
    boolean strictApiVersion) {

  public ProtocolSettings {
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retry-after is negative");
    }
    if (pollsBeforeAssignment < 0) {
      throw new IllegalArgumentException("polls before assignment is negative");
    }
    if (sasClockSkew.isNegative()) {
      throw new IllegalArgumentException("SAS clock skew is negative");
    }
  }

  /** Retry-After 3 s (what the real service sent in a published trace), no delay, 5 s skew. */
  public static ProtocolSettings defaults() {
    return new ProtocolSettings(3, 0, Duration.ofSeconds(5), false);
  }
}
