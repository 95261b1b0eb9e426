package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;

/**
 * The TPM refused a command. The message names the operation, the TPM_RC name and code, and a hint,
 * e.g. {@code "TPM PolicySecret(endorsement) failed: TPM_RC_AUTH_FAIL (0x98E, session 1):
 * authorization failed: the hierarchy or object password is wrong"}.
 */
public final class TpmException extends HsmException {

  private final String operation;
  private final TpmResponseCode responseCode;

  public TpmException(String operation, TpmResponseCode responseCode) {
    super(message(operation, responseCode));
    this.operation = operation;
    this.responseCode = responseCode;
  }

  private static String message(String operation, TpmResponseCode rc) {
    String hint = rc.hint();
    return "TPM " + operation + " failed: " + rc + (hint.isEmpty() ? "" : ": " + hint);
  }

  /** The command or step that failed, e.g. {@code ActivateCredential}. */
  public String operation() {
    return operation;
  }

  public TpmResponseCode responseCode() {
    return responseCode;
  }

  public TpmResponseCode.Category category() {
    return responseCode.category();
  }
}
