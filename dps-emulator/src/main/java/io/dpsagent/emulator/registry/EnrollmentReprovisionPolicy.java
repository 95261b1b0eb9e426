package io.dpsagent.emulator.registry;

/**
 * What DPS does when an already registered device registers again.
 *
 * @param updateHubAssignment re-run allocation (true), or keep the device on its current hub
 * @param migrateDeviceData when the hub changes: move the device's data (true) or start over from
 *     the enrollment's initial twin (false)
 */
public record EnrollmentReprovisionPolicy(boolean updateHubAssignment, boolean migrateDeviceData) {

  /** DPS's default: re-evaluate the hub and migrate the device's data. */
  public static final EnrollmentReprovisionPolicy DEFAULT =
      new EnrollmentReprovisionPolicy(true, true);
}
