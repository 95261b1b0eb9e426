package io.dpsagent.e2e.interop;

import java.util.OptionalInt;

/** What an SDK reported at the end of one registration attempt, in SDK-neutral terms. */
sealed interface Outcome {

  /** The SDK returned a registration state. */
  record Registered(String status, String assignedHub, String deviceId) implements Outcome {}

  /**
   * The SDK reported an error.
   *
   * @param httpStatus the HTTP status the SDK surfaced, when it surfaced one
   * @param errorCode the service's {@code errorCode} the SDK surfaced, when it surfaced one
   * @param report everything the SDK said (error types, messages, service error body)
   */
  record Failed(OptionalInt httpStatus, OptionalInt errorCode, String report) implements Outcome {}
}
