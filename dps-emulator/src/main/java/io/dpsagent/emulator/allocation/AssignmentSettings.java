package io.dpsagent.emulator.allocation;

import java.time.Duration;
import java.util.Set;

/**
 * Where the public documentation leaves the assignment open, what the emulator does.
 *
 * @param sameHubSubstatus the substatus of a re-registration that leaves the device on its hub:
 *     {@code initialAssignment} (default) or {@code reprovisionedToInitialAssignment}
 * @param webhookTimeout how long a custom allocation webhook may take before the registration fails
 */
public record AssignmentSettings(String sameHubSubstatus, Duration webhookTimeout) {

  public static final Set<String> SAME_HUB_SUBSTATUSES =
      Set.of("initialAssignment", "reprovisionedToInitialAssignment");

  public AssignmentSettings {
    if (!SAME_HUB_SUBSTATUSES.contains(sameHubSubstatus)) {
      throw new IllegalArgumentException(
          "must be \"initialAssignment\" or \"reprovisionedToInitialAssignment\"");
    }
    if (webhookTimeout.isNegative() || webhookTimeout.isZero()) {
      throw new IllegalArgumentException("webhook timeout must be positive");
    }
  }

  public static AssignmentSettings defaults() {
    return new AssignmentSettings("initialAssignment", Duration.ofSeconds(10));
  }
}
