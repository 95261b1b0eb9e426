package io.dpsagent.agent.dps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.dps.RegistrationOperationStatus.Status;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.hsm.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DPS's JSON bodies: the one reader of its answers into the message records, and the writer of the
 * one body the device sends ({@code DeviceRegistration}). It reads defensively: a 2xx body that
 * lacks what the state machine needs is a {@link MalformedResponseException}, never a {@code
 * NullPointerException}; an error body that is not DPS's reads as empty; text DPS sends for the
 * operator is escaped and cut short before it can reach a message.
 */
public final class DpsMessages {

  /** DPS's errorMessage is shown to the operator: escaped, and cut at this length. */
  static final int MAX_ERROR_MESSAGE = 200;

  private static final int MAX_MESSAGE = 200;
  private static final int MAX_TRACKING_ID = 64;

  private DpsMessages() {}

  /**
   * The body of a register request: {@code registrationId}, the custom {@code payload} and, for TPM
   * attestation, the TPM's public keys, and for certificate issuance the {@code csr}.
   */
  public static byte[] registrationBody(RegistrationRequest request) throws IOException {
    ObjectNode body =
        JsonNodeFactory.instance.objectNode().put("registrationId", request.registrationId());
    if (request.payloadJson().isPresent()) {
      body.set("payload", JsonTrees.parse(request.payloadJson().get()));
    }
    request
        .tpm()
        .ifPresent(
            tpm ->
                body.putObject("tpm")
                    .put("endorsementKey", tpm.endorsementKey())
                    .put("storageRootKey", tpm.storageRootKey()));
    request.csr().ifPresent(csr -> body.put("csr", csr));
    return JsonTrees.write(body).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a 2xx body: DPS's {@code RegistrationOperationStatus}. */
  public static RegistrationOperationStatus operationStatus(String body)
      throws MalformedResponseException {
    JsonNode root = readObject(body);
    JsonNode state = root.path("registrationState");
    Status status =
        status(
            text(root, "status")
                .or(() -> Optional.ofNullable(state.path("status").textValue()))
                .orElseThrow(() -> new MalformedResponseException("DPS response has no status")));
    return new RegistrationOperationStatus(
        text(root, "operationId"),
        status,
        state.isObject() ? Optional.of(registrationResult(state, status)) : Optional.empty());
  }

  /** Reads a 4xx/5xx body; never fails. */
  public static DpsErrorBody errorBody(String body) {
    try {
      JsonNode root = readObject(body);
      return new DpsErrorBody(
          root.path("errorCode").canConvertToInt() && root.path("errorCode").isNumber()
              ? Optional.of(root.get("errorCode").intValue())
              : Optional.empty(),
          text(root, "trackingId").map(t -> Printable.escape(t, MAX_TRACKING_ID)),
          text(root, "message").map(DpsMessages::shorten));
    } catch (MalformedResponseException e) {
      return DpsErrorBody.EMPTY;
    }
  }

  /** The TPM activation blob of a 401 nonce challenge, if the body has one. */
  public static Optional<TpmRegistrationResult> tpmChallenge(String body) {
    try {
      return tpm(readObject(body));
    } catch (MalformedResponseException e) {
      return Optional.empty();
    }
  }

  private static JsonNode readObject(String body) throws MalformedResponseException {
    try {
      JsonNode root = JsonTrees.parse(body);
      if (root == null || !root.isObject()) {
        throw new MalformedResponseException("DPS response is not a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new MalformedResponseException(
          "DPS response is not valid JSON: "
              + Printable.escape(e.getOriginalMessage(), Printable.DEFAULT_MAX));
    }
  }

  private static DeviceRegistrationResult registrationResult(JsonNode node, Status fallback) {
    Status status = text(node, "status").map(DpsMessages::statusOrNull).orElse(fallback);
    return new DeviceRegistrationResult(
        text(node, "registrationId").orElse(""),
        (status == null ? fallback : status).name().toLowerCase(Locale.ROOT),
        text(node, "assignedHub"),
        text(node, "deviceId"),
        text(node, "substatus"),
        text(node, "createdDateTimeUtc"),
        text(node, "lastUpdatedDateTimeUtc"),
        text(node, "etag"),
        text(node.path("symmetricKey"), "enrollmentGroupId")
            .or(() -> text(node.path("x509"), "enrollmentGroupId")),
        node.path("payload").isObject() ? Optional.of(node.get("payload")) : Optional.empty(),
        node.path("errorCode").isInt()
            ? Optional.of(node.get("errorCode").intValue())
            : Optional.empty(),
        text(node, "errorMessage").map(m -> Printable.escape(m, MAX_ERROR_MESSAGE)),
        tpm(node.path("tpm")),
        issuedCertificateChain(node.path("issuedCertificateChain")));
  }

  // Entries that are not strings are kept as empty ones: the chain's reader names the bad entry.
  private static List<String> issuedCertificateChain(JsonNode node) {
    List<String> chain = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(entry -> chain.add(entry.isTextual() ? entry.textValue() : ""));
    }
    return chain;
  }

  private static Optional<TpmRegistrationResult> tpm(JsonNode node) {
    return text(node, "authenticationKey").map(TpmRegistrationResult::new);
  }

  private static Status status(String value) throws MalformedResponseException {
    Status status = statusOrNull(value);
    if (status == null) {
      throw new MalformedResponseException(
          "DPS response has unknown status " + Printable.quote(value));
    }
    return status;
  }

  private static Status statusOrNull(String value) {
    for (Status s : Status.values()) {
      if (s.name().equalsIgnoreCase(value)) {
        return s;
      }
    }
    return null;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.textValue().isEmpty()
        ? Optional.of(value.textValue())
        : Optional.empty();
  }

  private static String shorten(String text) {
    return Printable.escape(text.replaceAll("[\\r\\n\\t]+", " "), MAX_MESSAGE);
  }
}
