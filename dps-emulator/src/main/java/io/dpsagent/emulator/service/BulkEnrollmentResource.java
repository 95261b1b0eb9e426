package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.body;
import static io.dpsagent.emulator.service.ServiceReplies.checkHubsAreLinked;
import static io.dpsagent.emulator.service.ServiceReplies.putRule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code POST /enrollments}: individual enrollments in bulk, each applied on its own. */
final class BulkEnrollmentResource {

  private static final Set<String> BULK_MODES =
      Set.of("create", "update", "updateIfMatchEtag", "delete");

  private final Registry registry;
  private final ServiceReplies replies;

  BulkEnrollmentResource(Registry registry, ServiceReplies replies) {
    this.registry = registry;
    this.replies = replies;
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
}
