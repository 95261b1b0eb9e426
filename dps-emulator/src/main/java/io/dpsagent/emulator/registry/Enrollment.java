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

  default boolean isEnabled() {
    return provisioningStatus() == ProvisioningStatus.ENABLED;
  }
}
