package io.dpsagent.agent.dps;

import java.util.Optional;

/**
 * DPS's {@code RegistrationOperationStatus}: the 2xx answer to a register or a poll, as {@link
 * DpsMessages#operationStatus} read it.
 *
 * @param registrationState present once DPS has an outcome (or a partial one) for the device
 */
public record RegistrationOperationStatus(
    Optional<String> operationId,
    Status status,
    Optional<DeviceRegistrationResult> registrationState) {

  /** The registration states of DPS. */
  public enum Status {
    UNASSIGNED,
    ASSIGNING,
    ASSIGNED,
    FAILED,
    DISABLED;

    public boolean isTerminal() {
      return this != ASSIGNING;
    }
  }
}
