package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.body;
import static io.dpsagent.emulator.service.ServiceReplies.checkHubsAreLinked;
import static io.dpsagent.emulator.service.ServiceReplies.putRule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.WriteCondition;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /enrollments} ({@code IndividualEnrollment_RunBulkOperation}) or {@code POST
 * /enrollmentGroups} ({@code EnrollmentGroup_RunBulkOperation}): up to {@value #MAX_ITEMS} items of
 * one kind, each applied on its own (not atomically), failures reported per item.
 */
final class BulkEnrollmentResource<T extends Enrollment> {

  /** The specification's "maximum of 10 enrollments" (and "of 10 groups") per request. */
  static final int MAX_ITEMS = 10;

  private final Registry registry;
  private final ServiceReplies replies;
  private final EnrollmentResource.Kind<T> kind;

  BulkEnrollmentResource(
      Registry registry, ServiceReplies replies, EnrollmentResource.Kind<T> kind) {
    this.registry = registry;
    this.replies = replies;
    this.kind = kind;
  }

  /** {@code { mode, enrollments | enrollmentGroups: [...] }}. */
  ServiceReply bulk(ServiceRequest request, List<String> path) throws InvalidRequestException {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    JsonNode body = body(request);
    EnrollmentJson.requireObject(body, "the body");
    String modeText =
        EnrollmentJson.optionalText(body, "mode")
            .orElseThrow(() -> new InvalidRequestException("mode is missing"));
    BulkMode mode =
        BulkMode.parse(modeText)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "mode must be \"create\", \"update\", \"updateIfMatchETag\" or"
                            + " \"delete\""));
    JsonNode items = body.get(kind.bulkField());
    if (items == null || !items.isArray()) {
      throw new InvalidRequestException(kind.bulkField() + " is missing or not an array");
    }
    if (items.size() > MAX_ITEMS) {
      throw new InvalidRequestException(
          kind.bulkField()
              + " holds "
              + items.size()
              + " items; at most "
              + MAX_ITEMS
              + " are allowed");
    }
    ArrayNode errors = Json.MAPPER.createArrayNode();
    for (JsonNode item : items) {
      apply(mode, item)
          .ifPresent(
              e -> {
                ObjectNode entry = errors.addObject();
                entry.put(kind.idField(), item.path(kind.idField()).asText(""));
                entry.put("errorCode", e.errorCode());
                entry.put("errorStatus", e.message());
              });
    }
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("isSuccessful", errors.isEmpty());
    result.set("errors", errors);
    return ServiceReply.ok(result);
  }

  private Optional<ServiceError> apply(BulkMode mode, JsonNode item) {
    try {
      EnrollmentJson.requireObject(item, "an item");
      String id =
          EnrollmentJson.optionalText(item, kind.idField())
              .orElseThrow(() -> new InvalidRequestException(kind.idField() + " is missing"));
      Optional<String> etag = EnrollmentJson.optionalText(item, "etag");
      if (mode == BulkMode.DELETE) {
        return kind.remover().remove(id, etag) ? Optional.empty() : Optional.of(kind.notFound());
      }
      Optional<T> existing = kind.find().apply(id).map(v -> v.value());
      if (mode == BulkMode.CREATE && existing.isPresent()) {
        return Optional.of(ServiceError.CONFLICT);
      }
      T enrollment = kind.reader().read(item, id, existing);
      checkHubsAreLinked(registry, enrollment);
      WriteCondition condition =
          switch (mode) {
            // Created meanwhile: still a conflict, not a replacement.
            case CREATE -> new WriteCondition(Optional.empty(), true, false);
            case UPDATE_IF_MATCH_ETAG -> WriteCondition.ifMatch(etag);
            default -> WriteCondition.NONE;
          };
      putRule(() -> kind.writer().put(enrollment, condition));
      return Optional.empty();
    } catch (InvalidRequestException e) {
      return Optional.of(ServiceError.INVALID_REQUEST);
    } catch (PreconditionFailedException e) {
      return Optional.of(
          mode == BulkMode.CREATE ? ServiceError.CONFLICT : ServiceError.PRECONDITION_FAILED);
    }
  }
}
