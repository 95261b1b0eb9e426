package io.dpsagent.emulator.device;

import java.time.Duration;

/**
 * How the device API behaves where DPS leaves room or the emulator offers test knobs.
 *
 * @param retryAfterSeconds the {@code Retry-After} sent with every 202
 * @param pollsBeforeAssignment how many polls answer "assigning" before the result; 0 means the
 *     first poll already gets it
 * @param sasClockSkew how long after its expiry a SAS token is still accepted
 * @param strictApiVersion the service API: reject {@code api-version} values other than the
 *     published ones
 * @param apiVersions which {@code api-version} values the device API serves
 */
public record ProtocolSettings(
    int retryAfterSeconds,
    int pollsBeforeAssignment,
    Duration sasClockSkew,
    boolean strictApiVersion,
    ApiVersionPolicy apiVersions) {

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
    if (apiVersions == null) {
      throw new IllegalArgumentException("api-version policy is null");
    }
  }

  /**
   * Retry-After 3 s (what the real service sent in a published trace), no delay, 5 s skew, the
   * device API's versions only.
   */
  public static ProtocolSettings defaults() {
    return new ProtocolSettings(3, 0, Duration.ofSeconds(5), false, ApiVersionPolicy.SUPPORTED);
  }
}
