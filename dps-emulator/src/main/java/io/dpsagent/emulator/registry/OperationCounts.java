package io.dpsagent.emulator.registry;

/**
 * How many billable operations a DPS instance has served: the unit DPS is billed in.
 *
 * @param deviceRegistrations authenticated register requests from devices without a registration
 *     record
 * @param deviceReregistrations authenticated register requests from devices that already had one
 */
public record OperationCounts(
    long deviceRegistrations,
    long deviceReregistrations,
    long enrollmentAdds,
    long enrollmentUpdates,
    long enrollmentGroupAdds,
    long enrollmentGroupUpdates) {

  public static final OperationCounts NONE = new OperationCounts(0, 0, 0, 0, 0, 0);

  public OperationCounts {
    if (deviceRegistrations < 0
        || deviceReregistrations < 0
        || enrollmentAdds < 0
        || enrollmentUpdates < 0
        || enrollmentGroupAdds < 0
        || enrollmentGroupUpdates < 0) {
      throw new IllegalArgumentException("operation counts are negative");
    }
  }

  public long total() {
    return deviceRegistrations
        + deviceReregistrations
        + enrollmentAdds
        + enrollmentUpdates
        + enrollmentGroupAdds
        + enrollmentGroupUpdates;
  }

  OperationCounts plusRegistration(boolean reregistration) {
    return reregistration
        ? new OperationCounts(
            deviceRegistrations,
            deviceReregistrations + 1,
            enrollmentAdds,
            enrollmentUpdates,
            enrollmentGroupAdds,
            enrollmentGroupUpdates)
        : new OperationCounts(
            deviceRegistrations + 1,
            deviceReregistrations,
            enrollmentAdds,
            enrollmentUpdates,
            enrollmentGroupAdds,
            enrollmentGroupUpdates);
  }

  OperationCounts plusEnrollment(boolean group, boolean update) {
    return new OperationCounts(
        deviceRegistrations,
        deviceReregistrations,
        enrollmentAdds + (!group && !update ? 1 : 0),
        enrollmentUpdates + (!group && update ? 1 : 0),
        enrollmentGroupAdds + (group && !update ? 1 : 0),
        enrollmentGroupUpdates + (group && update ? 1 : 0));
  }
}
