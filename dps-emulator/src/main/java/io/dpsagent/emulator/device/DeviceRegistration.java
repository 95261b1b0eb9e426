package io.dpsagent.emulator.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The register request body ({@code DeviceRegistration}), as far as the emulator uses it.
 *
 * @param payload the device's custom data, always as a JSON object
 * @param tpm the TPM keys a TPM device sends, as base64 text (checked by whoever uses them)
 * @param csr the base64 DER PKCS#10 request of certificate issuance, as sent
 */
record DeviceRegistration(
    Optional<String> registrationId,
    Optional<JsonNode> payload,
    Optional<TpmKeys> tpm,
    Optional<String> csr) {

  /** {@code tpm: {endorsementKey, storageRootKey}}, each optional here. */
  record TpmKeys(Optional<String> endorsementKey, Optional<String> storageRootKey) {}

  /**
   * Parses the body. An empty body is taken as {@code {}} (MQTT clients may send none); a payload
   * may be a JSON object or, as the Java SDK sends it, a string holding one.
   *
   * @throws IllegalArgumentException if the body or its fields have the wrong shape
   */
  static DeviceRegistration parse(byte[] body) {
    JsonNode root = readJson(body);
    if (root.isMissingNode()) {
      return new DeviceRegistration(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("body is not a JSON object");
    }
    return new DeviceRegistration(
        text(root.get("registrationId"), "registrationId"),
        payload(root.get("payload")),
        tpm(root.get("tpm")),
        text(root.get("csr"), "csr"));
  }

  /** Whether the body carries a {@code csr} (2025-07-01-preview and later). */
  boolean hasCsr() {
    return csr.isPresent();
  }

  private static Optional<String> text(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return Optional.of(node.textValue());
  }

  private static Optional<TpmKeys> tpm(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("tpm is not a JSON object");
    }
    return Optional.of(
        new TpmKeys(
            text(node.get("endorsementKey"), "tpm.endorsementKey"),
            text(node.get("storageRootKey"), "tpm.storageRootKey")));
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
