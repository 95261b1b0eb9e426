package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.IF_MATCH;
import static io.dpsagent.emulator.service.ServiceReplies.IF_NONE_MATCH;
import static io.dpsagent.emulator.service.ServiceReplies.body;
import static io.dpsagent.emulator.service.ServiceReplies.checkHubsAreLinked;
import static io.dpsagent.emulator.service.ServiceReplies.putRule;
import static io.dpsagent.emulator.service.ServiceReplies.withEtag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.Versioned;
import io.dpsagent.emulator.registry.WriteCondition;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /enrollments} or {@code /enrollmentGroups}: one kind of enrollment, one at a time and by
 * query. The two kinds differ only in where the registry keeps them and how they read as JSON.
 */
record EnrollmentResource<T extends Enrollment>(
    Registry registry, ServiceReplies replies, Kind<T> kind, boolean replaceNeedsIfMatch) {

  interface Reader<T> {
    T read(JsonNode body, String urlId, Optional<T> replaced) throws InvalidRequestException;
  }

  interface Writer<T> {
    Versioned<T> put(T enrollment, WriteCondition condition) throws PreconditionFailedException;
  }

  interface Remover {
    boolean remove(String id, Optional<String> ifMatch) throws PreconditionFailedException;
  }

  /**
   * One kind of enrollment.
   *
   * @param itemType the {@code x-ms-item-type} of its query pages
   * @param group whether it is the group kind, whose x509 certificates are signing certificates
   * @param idField the JSON field holding the ID
   * @param bulkField the array of a bulk operation's body
   */
  record Kind<T extends Enrollment>(
      Function<String, Optional<Versioned<T>>> find,
      Supplier<List<Versioned<T>>> all,
      Reader<T> reader,
      Writer<T> writer,
      Remover remover,
      Function<Versioned<T>, ObjectNode> toJson,
      ServiceError notFound,
      String itemType,
      boolean group,
      String idField,
      String bulkField) {}

  /**
   * Individual enrollments; a read one carries its device's registration record.
   *
   * @param replaceNeedsIfMatch whether a PUT replacing an enrollment needs {@code If-Match}
   */
  static EnrollmentResource<IndividualEnrollment> individuals(
      Registry registry, ServiceReplies replies, boolean replaceNeedsIfMatch) {
    Function<Versioned<IndividualEnrollment>, ObjectNode> toJson =
        stored -> {
          ObjectNode json = EnrollmentJson.toJson(stored, true);
          registry
              .registration(stored.value().registrationId())
              .ifPresent(record -> json.set("registrationState", RegistrationJson.toJson(record)));
          return json;
        };
    return new EnrollmentResource<>(
        registry,
        replies,
        new Kind<>(
            registry::individualEnrollmentVersion,
            registry::individualEnrollmentVersions,
            EnrollmentJson::individualFromJson,
            registry::putIndividualEnrollment,
            registry::removeIndividualEnrollment,
            toJson,
            ServiceError.ENROLLMENT_NOT_FOUND,
            "enrollment",
            false,
            "registrationId",
            "enrollments"),
        replaceNeedsIfMatch);
  }

  static EnrollmentResource<EnrollmentGroup> groups(
      Registry registry, ServiceReplies replies, boolean replaceNeedsIfMatch) {
    return new EnrollmentResource<>(
        registry,
        replies,
        new Kind<>(
            registry::enrollmentGroupVersion,
            registry::enrollmentGroupVersions,
            EnrollmentJson::groupFromJson,
            registry::putEnrollmentGroup,
            registry::removeEnrollmentGroup,
            stored -> EnrollmentJson.groupToJson(stored, true),
            ServiceError.ENROLLMENT_GROUP_NOT_FOUND,
            "enrollmentGroup",
            true,
            "enrollmentGroupId",
            "enrollmentGroups"),
        replaceNeedsIfMatch);
  }

  /** {@code /{kind}/{id}}: GET, PUT (create or replace), DELETE. */
  ServiceReply one(ServiceRequest request, List<String> path)
      throws InvalidRequestException, PreconditionFailedException {
    String id = path.get(1);
    Optional<String> ifMatch = request.header(IF_MATCH);
    switch (request.method()) {
      case "GET":
        return kind.find().apply(id).map(this::reply).orElseGet(this::notFound);
      case "PUT":
        WriteCondition condition =
            new WriteCondition(ifMatch, ifNoneMatchAny(request), replaceNeedsIfMatch);
        T enrollment = kind.reader().read(body(request), id, current(id));
        checkHubsAreLinked(registry, enrollment);
        return reply(putRule(() -> kind.writer().put(enrollment, condition)));
      case "DELETE":
        return kind.remover().remove(id, ifMatch) ? ServiceReply.noContent() : notFound();
      default:
        return replies.notAllowed("GET, PUT, DELETE");
    }
  }

  // Only "*" (create, never replace) has a use here; an etag would be a client mistake.
  private static boolean ifNoneMatchAny(ServiceRequest request) throws InvalidRequestException {
    Optional<String> ifNoneMatch = request.header(IF_NONE_MATCH).map(String::strip);
    if (ifNoneMatch.isPresent() && !ifNoneMatch.get().equals("*")) {
      throw new InvalidRequestException("If-None-Match supports only *");
    }
    return ifNoneMatch.isPresent();
  }

  /** {@code POST /{kind}/query}. */
  ServiceReply query(ServiceRequest request, List<String> path) throws InvalidRequestException {
    return ServiceReplies.query(request, kind.all().get(), kind.toJson(), kind.itemType());
  }

  /** {@code POST /{kind}/{id}/attestationmechanism}: the attestation with its keys. */
  ServiceReply attestationMechanism(ServiceRequest request, List<String> path) {
    if (!request.method().equals("POST")) {
      return replies.notAllowed("POST");
    }
    return current(path.get(1))
        .map(e -> ServiceReply.ok(AttestationJson.toJson(e.attestation(), kind.group(), true)))
        .orElseGet(this::notFound);
  }

  /** The stored enrollment {@code id}, if any. */
  Optional<T> current(String id) {
    return kind.find().apply(id).map(Versioned::value);
  }

  private ServiceReply reply(Versioned<T> stored) {
    return withEtag(ServiceReply.ok(kind.toJson().apply(stored)), stored.etag());
  }

  private ServiceReply notFound() {
    return replies.error(kind.notFound());
  }
}
