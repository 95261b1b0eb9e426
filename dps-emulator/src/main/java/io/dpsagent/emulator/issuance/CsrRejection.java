package io.dpsagent.emulator.issuance;

/** Why a {@code csr} is refused; the device API answers each with its own 400 error. */
public final class CsrRejection extends Exception {

  /** The reasons, in the order the checks run. */
  public enum Reason {
    /** The enrollment is not set for certificate issuance. */
    NOT_ENABLED,
    /** Not base64, not DER PKCS#10, or a signature that does not verify. */
    INVALID,
    /** The subject CN is not the registration ID. */
    SUBJECT_MISMATCH,
    /** A key type the CA does not certify. */
    KEY_UNSUPPORTED
  }

  private final Reason reason;

  CsrRejection(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
