package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.json.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code connection.json} back into a {@link ConnectionInfo} (see {@link
 * ConnectionInfo#read}). The hub authentication read back carries references only; the secret part
 * of a connection string is never in this file.
 */
final class ConnectionFile {

  private ConnectionFile() {}

  /** {@code file}, or empty when there is none. */
  static Optional<ConnectionInfo> readIfPresent(Path file) throws AgentException {
    try {
      return Optional.of(parse(file, JsonTrees.parse(Files.readAllBytes(file))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw AgentException.config(
          file
              + " is not a readable connection document ("
              + reason(e)
              + "); run dps-agent provision again");
    }
  }

  private static ConnectionInfo parse(Path file, JsonNode root) throws AgentException {
    if (root == null || !root.isObject()) {
      throw AgentException.config(file + " is not a JSON object; run dps-agent provision again");
    }
    JsonNode auth = root.path("auth");
    Map<String, String> references = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = auth.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getKey().equals("type") && field.getValue().isTextual()) {
        references.put(field.getKey(), field.getValue().textValue());
      }
    }
    try {
      return new ConnectionInfo(
          required(file, root, "hubHostName"),
          required(file, root, "deviceId"),
          required(file, root, "registrationId"),
          required(file, root, "idScope"),
          optional(root, "dpsEndpoint").orElse(""),
          required(file, root, "attestation"),
          new HubAuth(optional(auth, "type").orElse("sas"), references, Optional.empty()),
          optional(root, "enrollmentGroupId"),
          optional(root, "substatus"),
          root.hasNonNull("payload") ? Optional.of(root.get("payload")) : Optional.empty(),
          optional(root, "createdDateTimeUtc"),
          optional(root, "lastUpdatedDateTimeUtc"),
          optional(root, "etag"),
          Instant.parse(required(file, root, "provisionedAt")),
          optional(root, "identityFingerprint"),
          hubVerification(root.path("hubVerification")),
          certificate(root.path("certificate")));
    } catch (DateTimeParseException e) {
      throw AgentException.config(
          file + ": provisionedAt is not an ISO-8601 instant; run dps-agent provision again");
    }
  }

  /**
   * The recorded outcome, with the desired properties read back from the {@code
   * initial-config.json} it names, so that rewriting a read set keeps that file.
   */
  private static HubVerification hubVerification(JsonNode node) {
    return new HubVerification(
        HubVerification.Result.fromName(optional(node, "result").orElse("")),
        optional(node, "at").map(Instant::parse),
        optional(node, "detail"),
        optional(node, "initialConfigFile").flatMap(ConnectionFile::initialConfig));
  }

  private static Optional<ObjectNode> initialConfig(String file) {
    try {
      JsonNode desired = JsonTrees.parse(Files.readAllBytes(Path.of(file)));
      return desired instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // removed or unreadable: the next verification writes it again
    }
  }

  // Written by this agent; an entry that lost a field reads as none (provision again renews it).
  private static Optional<IssuedCertificate> certificate(JsonNode node) {
    Optional<String> file = optional(node, "file");
    Optional<String> fingerprint = optional(node, "sha256Fingerprint");
    Optional<String> notBefore = optional(node, "notBefore");
    Optional<String> notAfter = optional(node, "notAfter");
    if (file.isEmpty() || fingerprint.isEmpty() || notBefore.isEmpty() || notAfter.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new IssuedCertificate(
            Path.of(file.get()),
            fingerprint.get(),
            Instant.parse(notBefore.get()),
            Instant.parse(notAfter.get())));
  }

  private static String required(Path file, JsonNode node, String field) throws AgentException {
    return optional(node, field)
        .orElseThrow(
            () ->
                AgentException.config(
                    file + " lacks " + field + "; run dps-agent provision again"));
  }

  private static Optional<String> optional(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  private static String reason(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
      return "not valid JSON";
    }
    return e.getMessage() == null ? "unreadable" : e.getMessage();
  }
}
