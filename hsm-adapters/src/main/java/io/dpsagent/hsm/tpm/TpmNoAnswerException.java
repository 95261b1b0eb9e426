package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;

/**
 * The TPM did not answer in time, or the agent stopped waiting for it. Unchecked because it has to
 * pass through TSS.Java's device interface; {@link TpmConnection} turns it back into an {@link
 * HsmException} with the same one-line message.
 */
final class TpmNoAnswerException extends RuntimeException {

  TpmNoAnswerException(String message) {
    super(message);
  }

  /** Absent for now: the TPM may answer once the other program lets go of it. */
  HsmException toHsmException() {
    return new HsmException(HsmException.Kind.UNAVAILABLE, getMessage(), this);
  }
}
