package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.EnrollmentJson.optionalText;
import static io.dpsagent.emulator.service.EnrollmentJson.requireObject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code AttestationMechanism} in the JSON of the service API, both ways. Symmetric keys a request
 * omits are kept from the enrollment it replaces or, for a new one, generated ({@link
 * SymmetricKeyMechanism#ofRequest}).
 */
final class AttestationJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private AttestationJson() {}

  /** {@code AttestationMechanism}; keys are left out unless {@code withKeys}. */
  static ObjectNode toJson(Attestation attestation, boolean group, boolean withKeys) {
    ObjectNode json = NODES.objectNode();
    if (attestation instanceof SymmetricKeyMechanism symmetric) {
      json.put("type", "symmetricKey");
      ObjectNode keys = json.putObject("symmetricKey");
      if (withKeys) {
        List<HmacKey> all = symmetric.keys();
        keys.put("primaryKey", all.get(0).toBase64());
        if (all.size() > 1) {
          keys.put("secondaryKey", all.get(1).toBase64());
        }
      }
    } else if (attestation instanceof X509Mechanism x509) {
      json.put("type", "x509");
      json.putObject("x509")
          .set(group ? "signingCertificates" : "clientCertificates", X509Json.certificates(x509));
    } else if (attestation instanceof TpmMechanism tpm) {
      // Public keys only: returned with or without withKeys.
      json.put("type", "tpm");
      ObjectNode keys = json.putObject("tpm");
      keys.put("endorsementKey", BASE64.encodeToString(tpm.endorsementKey()));
      tpm.storageRootKey().ifPresent(srk -> keys.put("storageRootKey", BASE64.encodeToString(srk)));
    }
    return json;
  }

  /**
   * Reads an {@code AttestationMechanism}.
   *
   * @param replaced the attestation of the enrollment this one replaces, whose symmetric keys are
   *     kept if the request omits them
   */
  static Attestation fromJson(JsonNode json, boolean group, Optional<Attestation> replaced)
      throws InvalidRequestException {
    requireObject(json, "attestation");
    String type = optionalText(json, "type").orElse("");
    switch (type) {
      case "symmetricKey":
        return symmetricKey(json.get("symmetricKey"), replaced);
      case "x509":
        requireObject(json.get("x509"), "attestation.x509");
        return X509Json.attestation(json.get("x509"), group);
      case "tpm":
        if (group) {
          throw new InvalidRequestException(
              "TPM attestation is for individual enrollments only, not for groups");
        }
        return tpm(json.get("tpm"));
      default:
        throw new InvalidRequestException(
            "attestation.type must be \"symmetricKey\", \"x509\" or \"tpm\"");
    }
  }

  private static TpmMechanism tpm(JsonNode json) throws InvalidRequestException {
    requireObject(json, "attestation.tpm");
    byte[] endorsementKey =
        base64(
            optionalText(json, "endorsementKey")
                .orElseThrow(
                    () -> new InvalidRequestException("attestation.tpm.endorsementKey is missing")),
            "attestation.tpm.endorsementKey");
    Optional<String> storageRootKey =
        optionalText(json, "storageRootKey").filter(k -> !k.isEmpty());
    byte[] srk =
        storageRootKey.isEmpty()
            ? null
            : base64(storageRootKey.get(), "attestation.tpm.storageRootKey");
    try {
      return new TpmMechanism(endorsementKey, srk);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "attestation.tpm.endorsementKey is not a usable TPM2B_PUBLIC (" + e.getMessage() + ")");
    }
  }

  private static byte[] base64(String text, String field) throws InvalidRequestException {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(field + " is not base64");
    }
  }

  private static SymmetricKeyMechanism symmetricKey(JsonNode json, Optional<Attestation> replaced)
      throws InvalidRequestException {
    if (json != null && !json.isNull() && !json.isObject()) {
      throw new InvalidRequestException("attestation.symmetricKey is not an object");
    }
    JsonNode keys = json == null ? NODES.objectNode() : json;
    Optional<String> primary = optionalText(keys, "primaryKey").filter(k -> !k.isEmpty());
    Optional<String> secondary = optionalText(keys, "secondaryKey").filter(k -> !k.isEmpty());
    Optional<SymmetricKeyMechanism> previous =
        replaced
            .filter(SymmetricKeyMechanism.class::isInstance)
            .map(SymmetricKeyMechanism.class::cast);
    try {
      return SymmetricKeyMechanism.ofRequest(primary, secondary, previous);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("attestation.symmetricKey: keys must be base64");
    }
  }
}
