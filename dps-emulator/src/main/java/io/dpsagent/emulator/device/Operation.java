package io.dpsagent.emulator.device;

import io.dpsagent.emulator.registry.RegistrationIds;

/** A registration in progress: its result is decided at once but revealed after some polls. */
final class Operation {

  private final String id;
  private final String registrationKey;
  private final WireFormat.OperationStatus result;
  private int pendingPolls;

  Operation(String id, String registrationId, WireFormat.OperationStatus result, int pendingPolls) {
    this.id = id;
    this.registrationKey = RegistrationIds.lookupKey(registrationId);
    this.result = result;
    this.pendingPolls = pendingPolls;
  }

  String id() {
    return id;
  }

  WireFormat.OperationStatus result() {
    return result;
  }

  boolean belongsTo(String registrationId) {
    return registrationKey.equals(RegistrationIds.lookupKey(registrationId));
  }

  /** True if this poll must still answer "assigning"; counts it. */
  synchronized boolean consumePendingPoll() {
    if (pendingPolls == 0) {
      return false;
    }
    pendingPolls--;
    return true;
  }
}
