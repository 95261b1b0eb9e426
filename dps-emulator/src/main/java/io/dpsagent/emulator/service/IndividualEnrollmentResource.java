package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.IF_MATCH;
import static io.dpsagent.emulator.service.ServiceReplies.body;
import static io.dpsagent.emulator.service.ServiceReplies.checkHubsAreLinked;
import static io.dpsagent.emulator.service.ServiceReplies.putRule;
import static io.dpsagent.emulator.service.ServiceReplies.withEtag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /enrollments}: individual enrollments, one at a time, in bulk and by query. */
final class IndividualEnrollmentResource {

  private static final Set<String> BULK_MODES =
      Set.of("create", "update", "updateIfMatchEtag", "delete");

  private final Registry registry;
  private final ServiceReplies replies;

  IndividualEnrollmentResource(Registry registry, ServiceReplies replies) {
    this.registry = registry;
    this.replies = replies;
  }

  /** {@code /enrollments/{id}}: GET, PUT (create or replace), DELETE. */
  ServiceReply one(ServiceRequest request, List<String> path)
      throws InvalidRequestException, PreconditionFailedException {
    String registrationId = path.get(1);
    Optional<String> ifMatch = request.header(IF_MATCH);
    switch (request.method()) {
      case "GET":
        return registry
            .individualEnrollmentVersion(registrationId)
            .map(this::reply)
            .orElseGet(() -> replies.error(ServiceError.ENROLLMENT_NOT_FOUND));
      case "PUT":
        IndividualEnrollment enrollment =
            EnrollmentJson.individualFromJson(
                body(request), registrationId, registry.individualEnrollment(registrationId));
        checkHubsAreLinked(registry, enrollment);
        return reply(putRule(() -> registry.putIndividualEnrollment(enrollment, ifMatch)));
      case "DELETE":
        return registry.removeIndividualEnrollment(registrationId, ifMatch)
            ? ServiceReply.noContent()
            : replies.error(ServiceError.ENROLLMENT_NOT_FOUND);
      default:
        return replies.notAllowed("GET, PUT, DELETE");
    }
  }

  /** {@code POST /enrollments/query}. */
  ServiceReply query(ServiceRequest request, List<String> path) throws InvalidRequestException {
    return ServiceReplies.query(
        request,
        registry.individualEnrollmentVersions(),
        v -> EnrollmentJson.toJson(v, true),
        "enrollment");
  }

  /** {@code POST /enrollments/{id}/attestationmechanism}: the attestation with its keys. */
  ServiceReply attestationMechanism(ServiceRequest request, List<String> path) {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    return registry
        .individualEnrollment(path.get(1))
        .map(e -> ServiceReply.ok(AttestationJson.toJson(e.attestation(), false, true)))
        .orElseGet(() -> replies.error(ServiceError.ENROLLMENT_NOT_FOUND));
  }

  /** {@code POST /enrollments}: {@code { mode, enrollments: [...] }}, each applied on its own. */
  ServiceReply bulk(ServiceRequest request, List<String> path) throws InvalidRequestException {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    JsonNode body = body(request);
    EnrollmentJson.requireObject(body, "the body");
    String mode =
        EnrollmentJson.optionalText(body, "mode")
            .orElseThrow(() -> new InvalidRequestException("mode is missing"));
    if (!BULK_MODES.contains(mode)) {
      throw new InvalidRequestException(
          "mode must be \"create\", \"update\", \"updateIfMatchEtag\" or \"delete\"");
    }
    JsonNode enrollments = body.get("enrollments");
    if (enrollments == null || !enrollments.isArray()) {
      throw new InvalidRequestException("enrollments is missing or not an array");
    }
    ArrayNode errors = Json.MAPPER.createArrayNode();
    for (JsonNode item : enrollments) {
      bulkItem(mode, item)
          .ifPresent(
              e -> {
                ObjectNode entry = errors.addObject();
                entry.put("registrationId", item.path("registrationId").asText(""));
                entry.put("errorCode", e.errorCode());
                entry.put("errorStatus", e.message());
              });
    }
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("isSuccessful", errors.isEmpty());
    result.set("errors", errors);
    return ServiceReply.ok(result);
  }

  private Optional<ServiceError> bulkItem(String mode, JsonNode item) {
    try {
      EnrollmentJson.requireObject(item, "an enrollment");
      String id =
          EnrollmentJson.optionalText(item, "registrationId")
              .orElseThrow(() -> new InvalidRequestException("registrationId is missing"));
      Optional<String> etag = EnrollmentJson.optionalText(item, "etag");
      if (mode.equals("delete")) {
        return registry.removeIndividualEnrollment(id, etag)
            ? Optional.empty()
            : Optional.of(ServiceError.ENROLLMENT_NOT_FOUND);
      }
      Optional<IndividualEnrollment> existing = registry.individualEnrollment(id);
      if (mode.equals("create") && existing.isPresent()) {
        return Optional.of(ServiceError.CONFLICT);
      }
      IndividualEnrollment enrollment = EnrollmentJson.individualFromJson(item, id, existing);
      checkHubsAreLinked(registry, enrollment);
      Optional<String> ifMatch = mode.equals("updateIfMatchEtag") ? etag : Optional.empty();
      putRule(() -> registry.putIndividualEnrollment(enrollment, ifMatch));
      return Optional.empty();
    } catch (InvalidRequestException e) {
      return Optional.of(ServiceError.INVALID_REQUEST);
    } catch (PreconditionFailedException e) {
      return Optional.of(ServiceError.PRECONDITION_FAILED);
    }
  }

  private ServiceReply reply(Versioned<IndividualEnrollment> stored) {
    ObjectNode json = EnrollmentJson.toJson(stored, true);
    registry
        .registration(stored.value().registrationId())
        .ifPresent(record -> json.set("registrationState", RegistrationJson.toJson(record)));
    return withEtag(ServiceReply.ok(json), stored.etag());
  }
}
