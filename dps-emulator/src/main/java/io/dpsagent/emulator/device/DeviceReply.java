package io.dpsagent.emulator.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The transport-neutral answer to a device request: a status code, a JSON body and the optional
 * retry-after hint. HTTPS turns it into a response, MQTT into a {@code $dps/registrations/res}
 * publish.
 *
 * @param errorCode the six-digit DPS error code when this is an error (for {@code x-ms-error-code})
 * @param fault the injected fault that spoils this reply, if any: the transport delays it, cuts it,
 *     withholds it, or sends a damaged body ({@link #bodyBytes()})
 */
public record DeviceReply(
    int status,
    JsonNode body,
    OptionalInt retryAfterSeconds,
    OptionalInt errorCode,
    Optional<Fault> fault) {

  /** What a proxy in trouble sends: not JSON at all. */
  static final String MALFORMED_BODY = "<html><body>502 Bad Gateway</body></html>";

  DeviceReply(int status, JsonNode body, OptionalInt retryAfterSeconds, OptionalInt errorCode) {
    this(status, body, retryAfterSeconds, errorCode, Optional.empty());
  }

  /** This reply, spoilt by {@code injected} on its way out. */
  DeviceReply with(Fault injected) {
    return new DeviceReply(status, body, retryAfterSeconds, errorCode, Optional.of(injected));
  }

  /** The transport cuts the connection in the middle of this reply instead of delivering it. */
  public boolean dropConnection() {
    return is(Fault.Type.RESET);
  }

  /** The transport never sends this reply. */
  public boolean withheld() {
    return is(Fault.Type.NO_REPLY);
  }

  /** How long the transport holds this reply back. */
  public Duration delay() {
    return fault.map(Fault::delay).orElse(Duration.ZERO);
  }

  private boolean is(Fault.Type type) {
    return fault.filter(f -> f.type() == type).isPresent();
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

  /**
   * The {@code x-ms-request-id} of this reply: the error body's {@code trackingId}, as in traces of
   * the real service, or a fresh ID for other replies.
   */
  public String requestId() {
    JsonNode trackingId = body.path("trackingId");
    return trackingId.isTextual() ? trackingId.textValue() : UUID.randomUUID().toString();
  }

  /** The body as compact UTF-8 JSON, or as an injected fault damaged it. */
  public byte[] bodyBytes() {
    if (is(Fault.Type.MALFORMED)) {
      return MALFORMED_BODY.getBytes(StandardCharsets.UTF_8);
    }
    byte[] json;
    try {
      json = WireFormat.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    return is(Fault.Type.TRUNCATED) ? Arrays.copyOf(json, json.length / 2) : json;
  }
}
