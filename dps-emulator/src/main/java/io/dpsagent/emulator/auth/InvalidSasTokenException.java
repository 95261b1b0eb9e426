package io.dpsagent.emulator.auth;

/** An Authorization value that is not a well-formed SAS token. The message never quotes it. */
public final class InvalidSasTokenException extends Exception {

  InvalidSasTokenException(String message) {
    super(message);
  }
}
