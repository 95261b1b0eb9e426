package io.dpsagent.emulator.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The register request body ({@code DeviceRegistration}), as far as the emulator uses it.
 *
 * @param payload the device's custom data, always as a JSON object
 */
record DeviceRegistration(Optional<String> registrationId, Optional<JsonNode> payload) {

  /**
   * Parses the body. An empty body is taken as {@code {}} (MQTT clients may send none); a payload
   * may be a JSON object or, as the Java SDK sends it, a string holding one.
   *
   * @throws IllegalArgumentException if the body or its fields have the wrong shape
   */
  static DeviceRegistration parse(byte[] body) {
    JsonNode root = readJson(body);
    if (root.isMissingNode()) {
      return new DeviceRegistration(Optional.empty(), Optional.empty());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("body is not a JSON object");
    }
    return new DeviceRegistration(
        registrationId(root.get("registrationId")), payload(root.get("payload")));
  }

  private static Optional<String> registrationId(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("registrationId is not a string");
    }
    return Optional.of(node.textValue());
  }

  private static Optional<JsonNode> payload(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    JsonNode payload =
        node.isTextual() ? readJson(node.textValue().getBytes(StandardCharsets.UTF_8)) : node;
    if (!payload.isObject()) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    return Optional.of(payload);
  }

  private static JsonNode readJson(byte[] json) {
    try {
      return WireFormat.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON");
    }
  }
}
