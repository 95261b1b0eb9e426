package io.dpsagent.emulator.tpm;

/** Bytes that are not a TPM2B_PUBLIC the emulator can encrypt to. The message says why. */
public final class InvalidTpmPublicException extends Exception {

  InvalidTpmPublicException(String message) {
    super(message);
  }
}
