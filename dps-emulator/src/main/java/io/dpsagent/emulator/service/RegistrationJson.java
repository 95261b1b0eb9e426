package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.encoding.Timestamps;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.util.Optional;

/**
 * Registration records as the service API's {@code DeviceRegistrationState}, and (with the
 * emulator's extra fields) as the state file keeps them.
 */
public final class RegistrationJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RegistrationJson() {}

  /** The service API's {@code DeviceRegistrationState}. */
  public static ObjectNode toJson(RegistrationRecord record) {
    ObjectNode json = NODES.objectNode();
    json.put("registrationId", record.registrationId());
    json.put("createdDateTimeUtc", Timestamps.format(record.createdDateTimeUtc()));
    json.put("assignedHub", record.assignedHub());
    json.put("deviceId", record.deviceId());
    json.put("status", "assigned");
    json.put("substatus", record.substatus());
    json.put("lastUpdatedDateTimeUtc", Timestamps.format(record.lastUpdatedDateTimeUtc()));
    json.put("etag", record.etag());
    return json;
  }

  /** {@link #toJson} plus what the state file needs to restore the record. */
  public static ObjectNode toStateJson(RegistrationRecord record) {
    ObjectNode json = toJson(record);
    record.enrollmentGroupId().ifPresent(id -> json.put("enrollmentGroupId", id));
    record.initialTwin().ifPresent(twin -> json.set("initialTwin", twin));
    // The state file already holds enrollment keys; a TPM device's hub key must survive restarts.
    record.tpmDeviceKey().ifPresent(key -> json.put("tpmDeviceKey", key.toBase64()));
    return json;
  }

  /**
   * Reads a record written by {@link #toStateJson}.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static RegistrationRecord fromStateJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("registration is not an object");
    }
    JsonNode twin = json.get("initialTwin");
    return new RegistrationRecord(
        text(json, "registrationId"),
        text(json, "deviceId"),
        text(json, "assignedHub"),
        Timestamps.parse(text(json, "createdDateTimeUtc")),
        Timestamps.parse(text(json, "lastUpdatedDateTimeUtc")),
        text(json, "etag"),
        Optional.ofNullable(json.get("enrollmentGroupId")).map(JsonNode::asText),
        text(json, "substatus"),
        twin == null || twin.isNull() ? Optional.empty() : Optional.of(twin),
        tpmDeviceKey(json.get("tpmDeviceKey")));
  }

  private static Optional<HmacKey> tpmDeviceKey(JsonNode key) {
    if (key == null || key.isNull()) {
      return Optional.empty();
    }
    if (!key.isTextual()) {
      throw new IllegalArgumentException("registration field tpmDeviceKey is not a string");
    }
    try {
      return Optional.of(HmacKey.ofBase64(key.textValue()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registration field tpmDeviceKey is not base64");
    }
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("registration field " + field + " is missing");
    }
    return value.textValue();
  }
}
