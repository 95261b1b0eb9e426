package io.dpsagent.emulator.auth;

/**
 * A device failed to prove its identity.
 *
 * <p>The message says why, for the emulator's log; it never carries key material or signatures.
 * Devices only ever learn "unauthorized", so that probing cannot tell a wrong key from an unknown
 * registration.
 */
public final class AuthenticationException extends Exception {

  AuthenticationException(String reason) {
    super(reason);
  }
}
