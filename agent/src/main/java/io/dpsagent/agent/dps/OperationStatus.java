package io.dpsagent.agent.dps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.hsm.Printable;
import java.util.Locale;
import java.util.Optional;

/**
 * DPS's {@code RegistrationOperationStatus}, parsed defensively: a body that lacks what the state
 * machine needs is a {@link MalformedResponseException}, never a {@code NullPointerException}.
 */
public record OperationStatus(
    Optional<String> operationId, Status status, Optional<RegistrationState> registrationState) {

  /** The registration states of DPS. */
  public enum Status {
    UNASSIGNED,
    ASSIGNING,
    ASSIGNED,
    FAILED,
    DISABLED;

    public boolean isTerminal() {
      return this != ASSIGNING;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** DPS's errorMessage is shown to the operator: escaped, and cut at this length. */
  static final int MAX_ERROR_MESSAGE = 200;

  /** Parses a 2xx body. */
  public static OperationStatus parse(String body) throws MalformedResponseException {
    JsonNode root = readObject(body);
    Status status =
        status(
            text(root, "status")
                .or(
                    () ->
                        Optional.ofNullable(
                            root.path("registrationState").path("status").textValue()))
                .orElseThrow(() -> new MalformedResponseException("DPS response has no status")));
    Optional<RegistrationState> state =
        root.path("registrationState").isObject()
            ? Optional.of(state(root.get("registrationState"), status))
            : Optional.empty();
    return new OperationStatus(text(root, "operationId"), status, state);
  }

  static JsonNode readObject(String body) throws MalformedResponseException {
    try {
      JsonNode root = JSON.readTree(body);
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

  private static RegistrationState state(JsonNode node, Status fallback)
      throws MalformedResponseException {
    Status status = text(node, "status").map(OperationStatus::statusOrNull).orElse(fallback);
    return new RegistrationState(
        text(node, "registrationId").orElse(""),
        status == null
            ? fallback.name().toLowerCase(Locale.ROOT)
            : status.name().toLowerCase(Locale.ROOT),
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
        text(node.path("tpm"), "authenticationKey"));
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

  static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.textValue().isEmpty()
        ? Optional.of(value.textValue())
        : Optional.empty();
  }
}
