package io.dpsagent.emulator.encoding;

/**
 * An error as DPS reports it: the HTTP status, a six-digit code in DPS's pattern (HTTP status *
 * 1000 + detail) and a message. The device and the service API each list theirs as an enum.
 */
public interface DpsError {

  /** The three values, which an enum constant keeps. */
  record Code(int httpStatus, int errorCode, String message) {}

  Code code();

  default int httpStatus() {
    return code().httpStatus();
  }

  default int errorCode() {
    return code().errorCode();
  }

  default String message() {
    return code().message();
  }
}
