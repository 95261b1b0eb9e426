package io.dpsagent.emulator.registry;

import java.util.List;
import java.util.Optional;

/** What DPS knows in advance about a device (individual) or a family of devices (group). */
public sealed interface Enrollment permits IndividualEnrollment, EnrollmentGroup {

  Attestation attestation();

  ProvisioningStatus provisioningStatus();

  /** Host names of the linked hubs this enrollment may be assigned to; empty means all of them. */
  List<String> iotHubs();

  /** The group ID reported back to devices of a group; empty for an individual enrollment. */
  Optional<String> enrollmentGroupId();

  /** The device ID a registration under this enrollment gets on its hub. */
  String deviceIdFor(String registrationId);

  /** Allocation policy, webhook, reprovision policy, initial twin and capabilities. */
  EnrollmentOptions options();

  /**
   * Checks the rules DPS applies when an enrollment is added: the static policy needs exactly one
   * hub in {@link #iotHubs()}, the custom policy needs a webhook.
   *
   * @throws IllegalArgumentException naming the broken rule
   */
  default void checkAllocationRules() {
    checkAllocationRules(Optional.empty());
  }

  /**
   * As {@link #checkAllocationRules()}, with the instance's default policy standing in for an
   * enrollment that names none: under a {@code static} default, an enrollment without exactly one
   * hub could never be assigned, so it is refused when added rather than failing every registration
   * with 400208.
   */
  default void checkAllocationRules(Optional<AllocationPolicy> instanceDefault) {
    AllocationPolicy policy = options().allocationPolicy().or(() -> instanceDefault).orElse(null);
    if (policy == AllocationPolicy.STATIC && iotHubs().size() != 1) {
      throw new IllegalArgumentException(
          options().allocationPolicy().isPresent()
              ? "the static allocation policy needs exactly one hub in iotHubs"
              : "the instance's default allocation policy is static: an enrollment without its"
                  + " own allocationPolicy needs exactly one hub in iotHubs");
    }
    if (policy == AllocationPolicy.CUSTOM && options().customAllocation().isEmpty()) {
      throw new IllegalArgumentException(
          "the custom allocation policy needs a webhook (customAllocationDefinition)");
    }
  }

  default boolean isEnabled() {
    return provisioningStatus() == ProvisioningStatus.ENABLED;
  }
}
