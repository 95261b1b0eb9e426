package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.IF_MATCH;
import static io.dpsagent.emulator.service.ServiceReplies.body;
import static io.dpsagent.emulator.service.ServiceReplies.checkHubsAreLinked;
import static io.dpsagent.emulator.service.ServiceReplies.putRule;
import static io.dpsagent.emulator.service.ServiceReplies.withEtag;

import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.Versioned;
import java.util.List;
import java.util.Optional;

/** {@code /enrollmentGroups}: enrollment groups, one at a time and by query. */
final class EnrollmentGroupResource {

  private final Registry registry;
  private final ServiceReplies replies;

  EnrollmentGroupResource(Registry registry, ServiceReplies replies) {
    this.registry = registry;
    this.replies = replies;
  }

  /** {@code /enrollmentGroups/{id}}: GET, PUT (create or replace), DELETE. */
  ServiceReply one(ServiceRequest request, List<String> path)
      throws InvalidRequestException, PreconditionFailedException {
    String groupId = path.get(1);
    Optional<String> ifMatch = request.header(IF_MATCH);
    switch (request.method()) {
      case "GET":
        return registry
            .enrollmentGroupVersion(groupId)
            .map(EnrollmentGroupResource::reply)
            .orElseGet(() -> replies.error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND));
      case "PUT":
        EnrollmentGroup group =
            EnrollmentJson.groupFromJson(body(request), groupId, registry.enrollmentGroup(groupId));
        checkHubsAreLinked(registry, group);
        return reply(putRule(() -> registry.putEnrollmentGroup(group, ifMatch)));
      case "DELETE":
        return registry.removeEnrollmentGroup(groupId, ifMatch)
            ? ServiceReply.noContent()
            : replies.error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND);
      default:
        return replies.notAllowed("GET, PUT, DELETE");
    }
  }

  /** {@code POST /enrollmentGroups/query}. */
  ServiceReply query(ServiceRequest request, List<String> path) throws InvalidRequestException {
    return ServiceReplies.query(
        request,
        registry.enrollmentGroupVersions(),
        v -> EnrollmentJson.groupToJson(v, true),
        "enrollmentGroup");
  }

  /** {@code POST /enrollmentGroups/{id}/attestationmechanism}: the attestation with its keys. */
  ServiceReply attestationMechanism(ServiceRequest request, List<String> path) {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    return registry
        .enrollmentGroup(path.get(1))
        .map(g -> ServiceReply.ok(AttestationJson.toJson(g.attestation(), true, true)))
        .orElseGet(() -> replies.error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND));
  }

  private static ServiceReply reply(Versioned<EnrollmentGroup> stored) {
    return withEtag(ServiceReply.ok(EnrollmentJson.groupToJson(stored, true)), stored.etag());
  }
}
