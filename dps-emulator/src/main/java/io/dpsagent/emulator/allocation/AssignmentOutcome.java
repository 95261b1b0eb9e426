package io.dpsagent.emulator.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.util.Optional;

/** How a registration ended: assigned to a hub, or not. */
public sealed interface AssignmentOutcome {

  /**
   * @param payload what the custom allocation webhook returned for the device, if anything
   */
  record Assigned(RegistrationRecord record, Optional<JsonNode> payload)
      implements AssignmentOutcome {}

  record Failed(Failure failure) implements AssignmentOutcome {}

  /** Why a registration was not assigned. */
  enum Failure {
    ENROLLMENT_DISABLED,
    NO_HUB_AVAILABLE,
    /** The webhook failed, timed out or answered something unusable. */
    CUSTOM_ALLOCATION_FAILED,
    /** The webhook named a hub that is not linked to this instance. */
    CUSTOM_ALLOCATION_HUB_NOT_LINKED
  }
}
