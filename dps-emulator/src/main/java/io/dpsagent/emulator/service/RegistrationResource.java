package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.IF_MATCH;
import static io.dpsagent.emulator.service.ServiceReplies.withEtag;

import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import java.util.List;

/** {@code /registrations}: registration records, read and deleted only, never updated in place. */
record RegistrationResource(Registry registry, ServiceReplies replies) {

  /** {@code /registrations/{id}}: GET, DELETE. */
  ServiceReply one(ServiceRequest request, List<String> path) throws PreconditionFailedException {
    String registrationId = path.get(1);
    switch (request.method()) {
      case "GET":
        return registry
            .registration(registrationId)
            .map(r -> withEtag(ServiceReply.ok(RegistrationJson.toJson(r)), r.etag()))
            .orElseGet(() -> replies.error(ServiceError.REGISTRATION_NOT_FOUND));
      case "DELETE":
        return registry.removeRegistration(registrationId, request.header(IF_MATCH))
            ? ServiceReply.noContent()
            : replies.error(ServiceError.REGISTRATION_NOT_FOUND);
      default:
        return replies.notAllowed("GET, DELETE");
    }
  }

  /** {@code POST /registrations/{groupId}/query}: the records of a group's devices. */
  ServiceReply ofGroup(ServiceRequest request, List<String> path) throws InvalidRequestException {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    String groupId = path.get(1);
    if (registry.enrollmentGroup(groupId).isEmpty()) {
      return replies.error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND);
    }
    List<RegistrationRecord> records =
        registry.registrations().stream()
            .filter(
                record -> record.enrollmentGroupId().filter(groupId::equalsIgnoreCase).isPresent())
            .toList();
    return ServiceReplies.query(request, records, RegistrationJson::toJson, "deviceRegistration");
  }
}
