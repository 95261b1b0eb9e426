package io.dpsagent.emulator.registry;

/**
 * How many billable operations a DPS instance has served, the unit DPS is billed in ("the
 * successful completion of one instruction"), and how many registrations did not succeed.
 *
 * @param deviceRegistrations successful registrations of devices without a registration record
 * @param deviceReregistrations successful registrations of devices that already had one
 * @param failedRegistrations authenticated registrations that ended {@code failed} or {@code
 *     disabled}: reported, not billed, so not in {@link #total()}
 */
public record OperationCounts(
    long deviceRegistrations,
    long deviceReregistrations,
    long enrollmentAdds,
    long enrollmentUpdates,
    long enrollmentGroupAdds,
    long enrollmentGroupUpdates,
    long failedRegistrations) {

  public static final OperationCounts NONE = new OperationCounts(0, 0, 0, 0, 0, 0, 0);

  public OperationCounts {
    if (deviceRegistrations < 0
        || deviceReregistrations < 0
        || enrollmentAdds < 0
        || enrollmentUpdates < 0
        || enrollmentGroupAdds < 0
        || enrollmentGroupUpdates < 0
        || failedRegistrations < 0) {
      throw new IllegalArgumentException("operation counts are negative");
    }
  }

  /** The billable operations: every count but {@link #failedRegistrations()}. */
  public long total() {
    return deviceRegistrations
        + deviceReregistrations
        + enrollmentAdds
        + enrollmentUpdates
        + enrollmentGroupAdds
        + enrollmentGroupUpdates;
  }

  OperationCounts plusRegistration(boolean reregistration) {
    return new OperationCounts(
        deviceRegistrations + (reregistration ? 0 : 1),
        deviceReregistrations + (reregistration ? 1 : 0),
        enrollmentAdds,
        enrollmentUpdates,
        enrollmentGroupAdds,
        enrollmentGroupUpdates,
        failedRegistrations);
  }

  OperationCounts plusFailedRegistration() {
    return new OperationCounts(
        deviceRegistrations,
        deviceReregistrations,
        enrollmentAdds,
        enrollmentUpdates,
        enrollmentGroupAdds,
        enrollmentGroupUpdates,
        failedRegistrations + 1);
  }

  OperationCounts plusEnrollment(boolean group, boolean update) {
    return new OperationCounts(
        deviceRegistrations,
        deviceReregistrations,
        enrollmentAdds + (!group && !update ? 1 : 0),
        enrollmentUpdates + (!group && update ? 1 : 0),
        enrollmentGroupAdds + (group && !update ? 1 : 0),
        enrollmentGroupUpdates + (group && update ? 1 : 0),
        failedRegistrations);
  }
}
