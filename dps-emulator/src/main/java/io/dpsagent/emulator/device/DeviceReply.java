package io.dpsagent.emulator.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The transport-neutral answer to a device request: a status code, a JSON body and the optional
 * retry-after hint. HTTPS turns it into a response, MQTT into a {@code $dps/registrations/res}
 * publish.
 *
 * @param errorCode the six-digit DPS error code when this is an error (for {@code x-ms-error-code})
 * @param dropConnection an injected fault: the transport cuts the connection in the middle of this
 *     reply instead of delivering it
 */
public record DeviceReply(
    int status,
    JsonNode body,
    OptionalInt retryAfterSeconds,
    OptionalInt errorCode,
    boolean dropConnection) {

  DeviceReply(int status, JsonNode body, OptionalInt retryAfterSeconds, OptionalInt errorCode) {
    this(status, body, retryAfterSeconds, errorCode, false);
  }

  /** This reply, to be cut off midway by the transport. */
  DeviceReply dropped() {
    return new DeviceReply(status, body, retryAfterSeconds, errorCode, true);
  }

  static DeviceReply withRetryAfter(int status, Object body, int retryAfterSeconds) {
    return new DeviceReply(
        status, WireFormat.toTree(body), OptionalInt.of(retryAfterSeconds), OptionalInt.empty());
  }

  static DeviceReply ok(Object body) {
    return new DeviceReply(200, WireFormat.toTree(body), OptionalInt.empty(), OptionalInt.empty());
  }

  /**
   * The TPM challenge: 401 without {@code status} or {@code errorCode}, because the C SDK takes a
   * 401 body without {@code status} as the challenge and needs {@code keyName}.
   */
  static DeviceReply tpmChallenge(String authenticationKey) {
    WireFormat.TpmChallenge body =
        new WireFormat.TpmChallenge(
            "Sign a SAS token with the key in authenticationKey and register again.",
            authenticationKey,
            "registration");
    return new DeviceReply(401, WireFormat.toTree(body), OptionalInt.empty(), OptionalInt.empty());
  }

  /** The error reply of {@code error} with a detail appended to its message. */
  static DeviceReply error(DeviceError error, String detail, Instant now) {
    return error(
        error.httpStatus(),
        error.errorCode(),
        error.message() + " " + detail,
        OptionalInt.empty(),
        now);
  }

  /** The error reply of {@code error}, stamped with a fresh tracking ID. */
  public static DeviceReply error(DeviceError error, Instant now) {
    return error(error.httpStatus(), error.errorCode(), error.message(), OptionalInt.empty(), now);
  }

  static DeviceReply error(
      int status, int errorCode, String message, OptionalInt retryAfterSeconds, Instant now) {
    WireFormat.ErrorBody body =
        new WireFormat.ErrorBody(
            errorCode, UUID.randomUUID().toString(), message, DpsTimestamps.format(now));
    return new DeviceReply(
        status, WireFormat.toTree(body), retryAfterSeconds, OptionalInt.of(errorCode));
  }

  /** The body as compact UTF-8 JSON. */
  public byte[] bodyBytes() {
    try {
      return WireFormat.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
