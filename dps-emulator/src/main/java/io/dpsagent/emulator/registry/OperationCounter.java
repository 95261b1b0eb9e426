package io.dpsagent.emulator.registry;

/** The running {@link OperationCounts} of a DPS instance. */
final class OperationCounter {

  private volatile OperationCounts counts = OperationCounts.NONE;

  OperationCounts current() {
    return counts;
  }

  synchronized void countRegistration(boolean reregistration) {
    counts = counts.plusRegistration(reregistration);
  }

  synchronized void countFailedRegistration() {
    counts = counts.plusFailedRegistration();
  }

  synchronized void countEnrollment(boolean group, boolean update) {
    counts = counts.plusEnrollment(group, update);
  }

  /** Puts back persisted counts. */
  synchronized void restore(OperationCounts restored) {
    counts = restored;
  }
}
