package io.dpsagent.hsm;

/**
 * Computes HMAC-SHA256 with a key the caller never sees.
 *
 * <p>This is the only thing DPS and IoT Hub SAS tokens need from a symmetric key, so it is the only
 * thing the rest of the code gets: the key may sit in a file, a PKCS#11 token or a TPM, and callers
 * cannot tell (and cannot leak it).
 */
public interface SasSigner {

  /** Returns HMAC-SHA256(key, data): 32 bytes. */
  byte[] sign(byte[] data) throws HsmException;
}
