package io.dpsagent.emulator.service;

/** A service API request body the emulator cannot accept; the message says why, without values. */
public final class InvalidRequestException extends Exception {

  public InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
