package io.dpsagent.emulator.device;

import io.dpsagent.emulator.registry.RegistrationIdRules;
import java.util.concurrent.CompletableFuture;

/** A registration in progress: its result is decided at once but revealed after some polls. */
final class Operation {

  private final String id;
  private final String registrationKey;
  private final CompletableFuture<WireFormat.OperationStatus> result;
  private int pendingPolls;

  Operation(
      String id,
      String registrationId,
      CompletableFuture<WireFormat.OperationStatus> result,
      int pendingPolls) {
    this.id = id;
    this.registrationKey = RegistrationIdRules.lookupKey(registrationId);
    this.result = result;
    this.pendingPolls = pendingPolls;
  }

  String id() {
    return id;
  }

  /** True once the assignment is decided (at once, except with a custom allocation webhook). */
  boolean isDecided() {
    return result.isDone();
  }

  /** The decided result; only call once {@link #isDecided()}. */
  WireFormat.OperationStatus result() {
    return result.join();
  }

  boolean belongsTo(String registrationId) {
    return registrationKey.equals(RegistrationIdRules.lookupKey(registrationId));
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
