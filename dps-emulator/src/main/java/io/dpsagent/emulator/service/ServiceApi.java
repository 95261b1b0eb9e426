package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.OperationCounts;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.Versioned;
import io.dpsagent.emulator.service.ServiceAuthenticator.ServiceAuthenticationException;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The DPS service API (enrollments, enrollment groups, registration records), independent of the
 * HTTP server, in the paths and JSON the official service SDKs use, plus {@code GET
 * /emulator/operations}.
 *
 * <p>Every request needs a service SAS token (checked first, so that nothing leaks to strangers)
 * and an {@code api-version}. Collection names are matched case-insensitively ({@code
 * /enrollmentgroups/...} is what one SDK sends for attestation mechanisms).
 */
public final class ServiceApi {

  private static final Logger LOG = Logger.getLogger(ServiceApi.class.getName());
  private static final Set<String> API_VERSIONS =
      Set.of("2017-11-15", "2018-04-01", "2019-03-31", "2021-06-01", "2021-10-01");
  private static final String IF_MATCH = "If-Match";

  private final Registry registry;
  private final ServiceAuthenticator authenticator;
  private final boolean strictApiVersion;
  private final Clock clock;

  /**
   * @param strictApiVersion also reject api-version values other than the published ones
   */
  public ServiceApi(
      Registry registry,
      ServiceAuthenticator authenticator,
      boolean strictApiVersion,
      Clock clock) {
    this.registry = registry;
    this.authenticator = authenticator;
    this.strictApiVersion = strictApiVersion;
    this.clock = clock;
  }

  public ServiceReply handle(ServiceRequest request) {
    try {
      authenticator.authenticate(request.header("Authorization"), clock.instant());
    } catch (ServiceAuthenticationException e) {
      LOG.info(() -> "Rejected service request " + request + ": " + e.getMessage());
      return error(ServiceError.UNAUTHORIZED, null);
    }
    Optional<String> apiVersion =
        request.queryParameter("api-version").filter(version -> !version.isBlank());
    if (apiVersion.isEmpty() || (strictApiVersion && !API_VERSIONS.contains(apiVersion.get()))) {
      return error(ServiceError.MISSING_API_VERSION, null);
    }
    List<String> path;
    try {
      path = segments(request.rawPath());
    } catch (IllegalArgumentException e) {
      return error(ServiceError.INVALID_REQUEST, "The path has a malformed percent escape.");
    }
    try {
      return route(request, path);
    } catch (InvalidRequestException e) {
      return error(ServiceError.INVALID_REQUEST, e.getMessage());
    } catch (PreconditionFailedException e) {
      return error(ServiceError.PRECONDITION_FAILED, null);
    }
  }

  private ServiceReply route(ServiceRequest request, List<String> path)
      throws InvalidRequestException, PreconditionFailedException {
    String collection = path.isEmpty() ? "" : path.get(0).toLowerCase(Locale.ROOT);
    String method = request.method();
    int size = path.size();
    switch (collection) {
      case "enrollments":
        if (size == 1) {
          return method.equals("POST") ? bulk(request) : notAllowed("POST");
        }
        if (size == 2 && path.get(1).equals("query") && method.equals("POST")) {
          return query(
              request,
              registry.individualEnrollmentVersions(),
              v -> EnrollmentJson.toJson(v, true),
              "enrollment");
        }
        if (size == 2) {
          return individual(request, path.get(1));
        }
        if (size == 3 && isAttestationMechanism(path.get(2))) {
          return method.equals("POST")
              ? attestationMechanism(
                  registry.individualEnrollment(path.get(1)),
                  false,
                  ServiceError.ENROLLMENT_NOT_FOUND)
              : notAllowed("POST");
        }
        break;
      case "enrollmentgroups":
        if (size == 2 && path.get(1).equals("query") && method.equals("POST")) {
          return query(
              request,
              registry.enrollmentGroupVersions(),
              v -> EnrollmentJson.groupToJson(v, true),
              "enrollmentGroup");
        }
        if (size == 2) {
          return group(request, path.get(1));
        }
        if (size == 3 && isAttestationMechanism(path.get(2))) {
          return method.equals("POST")
              ? attestationMechanism(
                  registry.enrollmentGroup(path.get(1)),
                  true,
                  ServiceError.ENROLLMENT_GROUP_NOT_FOUND)
              : notAllowed("POST");
        }
        break;
      case "registrations":
        if (size == 2) {
          return registration(request, path.get(1));
        }
        if (size == 3 && path.get(2).equals("query")) {
          return method.equals("POST")
              ? groupRegistrations(request, path.get(1))
              : notAllowed("POST");
        }
        break;
      case "emulator":
        if (size == 2 && path.get(1).equals("operations")) {
          return method.equals("GET") ? ServiceReply.ok(operations()) : notAllowed("GET");
        }
        break;
      default:
        break;
    }
    return error(ServiceError.NOT_FOUND, null);
  }

  // ---- individual enrollments

  private ServiceReply individual(ServiceRequest request, String registrationId)
      throws InvalidRequestException, PreconditionFailedException {
    Optional<String> ifMatch = request.header(IF_MATCH);
    switch (request.method()) {
      case "GET":
        return registry
            .individualEnrollmentVersion(registrationId)
            .map(this::individualReply)
            .orElseGet(() -> error(ServiceError.ENROLLMENT_NOT_FOUND, null));
      case "PUT":
        IndividualEnrollment enrollment =
            EnrollmentJson.individualFromJson(
                body(request), registrationId, registry.individualEnrollment(registrationId));
        checkHubsAreLinked(enrollment);
        return individualReply(
            putRule(() -> registry.putIndividualEnrollment(enrollment, ifMatch)));
      case "DELETE":
        return registry.removeIndividualEnrollment(registrationId, ifMatch)
            ? ServiceReply.noContent()
            : error(ServiceError.ENROLLMENT_NOT_FOUND, null);
      default:
        return notAllowed("GET, PUT, DELETE");
    }
  }

  private ServiceReply individualReply(Versioned<IndividualEnrollment> stored) {
    ObjectNode json = EnrollmentJson.toJson(stored, true);
    registry
        .registration(stored.value().registrationId())
        .ifPresent(record -> json.set("registrationState", RegistrationJson.toJson(record)));
    return ServiceReply.ok(json).withHeader("ETag", quoted(stored.etag()));
  }

  /** {@code POST /enrollments}: {@code { mode, enrollments: [...] }}, each applied on its own. */
  private ServiceReply bulk(ServiceRequest request) throws InvalidRequestException {
    JsonNode body = body(request);
    EnrollmentJson.requireObject(body, "the body");
    String mode =
        EnrollmentJson.optionalText(body, "mode")
            .orElseThrow(() -> new InvalidRequestException("mode is missing"));
    if (!Set.of("create", "update", "updateIfMatchEtag", "delete").contains(mode)) {
      throw new InvalidRequestException(
          "mode must be \"create\", \"update\", \"updateIfMatchEtag\" or \"delete\"");
    }
    JsonNode enrollments = body.get("enrollments");
    if (enrollments == null || !enrollments.isArray()) {
      throw new InvalidRequestException("enrollments is missing or not an array");
    }
    ArrayNode errors = EnrollmentJson.MAPPER.createArrayNode();
    for (JsonNode item : enrollments) {
      Optional<ServiceError> failure = bulkItem(mode, item);
      failure.ifPresent(
          e -> {
            ObjectNode entry = errors.addObject();
            entry.put("registrationId", item.path("registrationId").asText(""));
            entry.put("errorCode", e.errorCode());
            entry.put("errorStatus", e.message());
          });
    }
    ObjectNode result = EnrollmentJson.MAPPER.createObjectNode();
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
      checkHubsAreLinked(enrollment);
      Optional<String> ifMatch = mode.equals("updateIfMatchEtag") ? etag : Optional.empty();
      putRule(() -> registry.putIndividualEnrollment(enrollment, ifMatch));
      return Optional.empty();
    } catch (InvalidRequestException e) {
      return Optional.of(ServiceError.INVALID_REQUEST);
    } catch (PreconditionFailedException e) {
      return Optional.of(ServiceError.PRECONDITION_FAILED);
    }
  }

  // ---- enrollment groups

  private ServiceReply group(ServiceRequest request, String groupId)
      throws InvalidRequestException, PreconditionFailedException {
    Optional<String> ifMatch = request.header(IF_MATCH);
    switch (request.method()) {
      case "GET":
        return registry
            .enrollmentGroupVersion(groupId)
            .map(this::groupReply)
            .orElseGet(() -> error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND, null));
      case "PUT":
        EnrollmentGroup group =
            EnrollmentJson.groupFromJson(body(request), groupId, registry.enrollmentGroup(groupId));
        checkHubsAreLinked(group);
        return groupReply(putRule(() -> registry.putEnrollmentGroup(group, ifMatch)));
      case "DELETE":
        return registry.removeEnrollmentGroup(groupId, ifMatch)
            ? ServiceReply.noContent()
            : error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND, null);
      default:
        return notAllowed("GET, PUT, DELETE");
    }
  }

  private ServiceReply groupReply(Versioned<EnrollmentGroup> stored) {
    return ServiceReply.ok(EnrollmentJson.groupToJson(stored, true))
        .withHeader("ETag", quoted(stored.etag()));
  }

  // ---- registration records: read and delete only, never updated in place

  private ServiceReply registration(ServiceRequest request, String registrationId)
      throws PreconditionFailedException {
    switch (request.method()) {
      case "GET":
        return registry
            .registration(registrationId)
            .map(
                record ->
                    ServiceReply.ok(RegistrationJson.toJson(record))
                        .withHeader("ETag", quoted(record.etag())))
            .orElseGet(() -> error(ServiceError.REGISTRATION_NOT_FOUND, null));
      case "DELETE":
        return registry.removeRegistration(registrationId, request.header(IF_MATCH))
            ? ServiceReply.noContent()
            : error(ServiceError.REGISTRATION_NOT_FOUND, null);
      default:
        return notAllowed("GET, DELETE");
    }
  }

  private ServiceReply groupRegistrations(ServiceRequest request, String groupId)
      throws InvalidRequestException {
    if (registry.enrollmentGroup(groupId).isEmpty()) {
      return error(ServiceError.ENROLLMENT_GROUP_NOT_FOUND, null);
    }
    List<RegistrationRecord> records =
        registry.registrations().stream()
            .filter(record -> record.enrollmentGroupId().filter(groupId::equals).isPresent())
            .toList();
    return query(request, records, RegistrationJson::toJson, "deviceRegistration");
  }

  // ---- queries

  private <T> ServiceReply query(
      ServiceRequest request, List<T> all, Function<T, ObjectNode> toJson, String itemType)
      throws InvalidRequestException {
    QueryPage.checkSpecification(request.body().length == 0 ? null : body(request));
    QueryPage page =
        QueryPage.of(
            all.size(), request.header("x-ms-max-item-count"), request.header("x-ms-continuation"));
    ArrayNode items = EnrollmentJson.MAPPER.createArrayNode();
    all.subList(page.from(), page.to()).forEach(item -> items.add(toJson.apply(item)));
    ServiceReply reply = ServiceReply.ok(items).withHeader("x-ms-item-type", itemType);
    return page.continuation()
        .map(token -> reply.withHeader("x-ms-continuation", token))
        .orElse(reply);
  }

  // ---- others

  private ServiceReply attestationMechanism(
      Optional<? extends Enrollment> enrollment, boolean group, ServiceError notFound) {
    return enrollment
        .map(e -> ServiceReply.ok(EnrollmentJson.attestation(e.attestation(), group, true)))
        .orElseGet(() -> error(notFound, null));
  }

  private ObjectNode operations() {
    OperationCounts counts = registry.operationCounts();
    ObjectNode json = EnrollmentJson.MAPPER.createObjectNode();
    json.put("deviceRegistrations", counts.deviceRegistrations());
    json.put("deviceReregistrations", counts.deviceReregistrations());
    json.put("enrollmentAdds", counts.enrollmentAdds());
    json.put("enrollmentUpdates", counts.enrollmentUpdates());
    json.put("enrollmentGroupAdds", counts.enrollmentGroupAdds());
    json.put("enrollmentGroupUpdates", counts.enrollmentGroupUpdates());
    json.put("total", counts.total());
    return json;
  }

  // DPS only accepts hubs linked to the instance.
  private void checkHubsAreLinked(Enrollment enrollment) throws InvalidRequestException {
    for (String hub : enrollment.iotHubs()) {
      if (registry.linkedHub(hub).isEmpty()) {
        throw new InvalidRequestException("iotHubs names a hub that is not linked: " + hub);
      }
    }
  }

  private interface Put<T> {
    T run() throws PreconditionFailedException;
  }

  // The registry enforces the allocation rules (static needs one hub, custom needs a webhook).
  private static <T> T putRule(Put<T> put)
      throws InvalidRequestException, PreconditionFailedException {
    try {
      return put.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  private static JsonNode body(ServiceRequest request) throws InvalidRequestException {
    try {
      JsonNode json = EnrollmentJson.MAPPER.readTree(request.body());
      if (json == null || json.isMissingNode()) {
        throw new InvalidRequestException("the body is empty");
      }
      return json;
    } catch (IOException e) {
      throw new InvalidRequestException("the body is not valid JSON");
    }
  }

  private static boolean isAttestationMechanism(String segment) {
    return segment.equalsIgnoreCase("attestationmechanism");
  }

  private static List<String> segments(String rawPath) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(path.split("/", -1))
        .map(segment -> PercentEncoding.decode(segment, "path segment"))
        .toList();
  }

  private static String quoted(String etag) {
    return "\"" + etag + "\"";
  }

  private ServiceReply notAllowed(String allow) {
    return error(ServiceError.METHOD_NOT_ALLOWED, null).withHeader("Allow", allow);
  }

  private ServiceReply error(ServiceError error, String detail) {
    return ServiceReply.error(error, detail, clock.instant());
  }
}
