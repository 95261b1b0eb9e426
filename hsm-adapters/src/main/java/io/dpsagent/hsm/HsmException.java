package io.dpsagent.hsm;

/**
 * A key store (TPM, PKCS#11 token, key file) could not do what was asked.
 *
 * <p>Messages are written for an operator and must never carry key material, PINs or signatures.
 */
public class HsmException extends Exception {

  public HsmException(String message) {
    super(message);
  }

  public HsmException(String message, Throwable cause) {
    super(message, cause);
  }
}
