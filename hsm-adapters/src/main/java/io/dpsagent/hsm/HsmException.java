package io.dpsagent.hsm;

/**
 * A key store (TPM, PKCS#11 token, key file) could not do what was asked.
 *
 * <p>Messages are written for an operator and must never carry key material, PINs or signatures.
 * {@link #kind()} says whose move it is: the operator's (fix the key reference), time's (the device
 * may come back), or the device's (it answered and refused).
 */
public class HsmException extends Exception {

  /** Who can fix it. Callers decide exit codes and retries from this, never from messages. */
  public enum Kind {
    /** A key file, PIN file or key reference is missing, unreadable, malformed or too open. */
    KEY_SOURCE,
    /** The device is absent or does not answer (driver not loaded yet, simulator down, busy). */
    UNAVAILABLE,
    /** The device answered and refused or failed the operation. */
    DEVICE
  }

  private final Kind kind;

  public HsmException(String message) {
    this(Kind.DEVICE, message);
  }

  public HsmException(String message, Throwable cause) {
    this(Kind.DEVICE, message, cause);
  }

  public HsmException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public HsmException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
