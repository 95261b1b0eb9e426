package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.Route.ID;
import static io.dpsagent.emulator.service.Route.anyCase;
import static io.dpsagent.emulator.service.Route.literal;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.hub.Hubs;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.service.ServiceAuthenticator.ServiceAuthenticationException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The DPS service API (enrollments, enrollment groups, registration records), independent of the
 * HTTP server, in the paths and JSON the official service SDKs use, plus the emulator's own {@code
 * GET /emulator/operations} and {@code GET/PUT/DELETE /emulator/faults}.
 *
 * <p>Every request needs a service SAS token (checked first, so that nothing leaks to strangers)
 * and an {@code api-version}. Then the first row of the route table that matches the path (and
 * method, if the row names one) picks the resource that answers.
 */
public final class ServiceApi {

  private static final Logger LOG = Logger.getLogger(ServiceApi.class.getName());
  // What the service SDKs send (2017-11-15 .. 2021-10-01) and what the spec adds since
  // (preview/2025-07-01-preview and stable/2026-04-01 service.json).
  private static final Set<String> API_VERSIONS =
      Set.of(
          "2017-11-15",
          "2018-04-01",
          "2019-03-31",
          "2021-06-01",
          "2021-10-01",
          "2025-07-01-preview",
          "2026-04-01");
  private static final Predicate<String> ATTESTATION_MECHANISM = anyCase("attestationmechanism");

  private final ServiceAuthenticator authenticator;
  private final boolean strictApiVersion;
  private final Clock clock;
  private final ServiceReplies replies;
  private final List<Route> routes;

  /**
   * @param strictApiVersion also reject api-version values other than the published ones
   * @param replaceNeedsIfMatch whether a PUT that replaces an enrollment or group needs {@code
   *     If-Match} (409 Conflict without it), as the service's optimistic concurrency
   */
  public ServiceApi(
      Registry registry,
      Faults faults,
      Hubs hubs,
      ServiceAuthenticator authenticator,
      boolean strictApiVersion,
      boolean replaceNeedsIfMatch,
      Clock clock) {
    this.authenticator = authenticator;
    this.strictApiVersion = strictApiVersion;
    this.clock = clock;
    this.replies = new ServiceReplies(clock);
    this.routes = routes(registry, faults, hubs, replies, replaceNeedsIfMatch);
  }

  // A literal row comes before the ID row it shadows: GET /enrollments/query reads enrollment
  // "query", POST queries.
  private static List<Route> routes(
      Registry registry,
      Faults faults,
      Hubs hubs,
      ServiceReplies replies,
      boolean replaceNeedsIfMatch) {
    var enrollments = EnrollmentResource.individuals(registry, replies, replaceNeedsIfMatch);
    var groups = EnrollmentResource.groups(registry, replies, replaceNeedsIfMatch);
    var bulk = new BulkEnrollmentResource<>(registry, replies, enrollments.kind());
    var groupBulk = new BulkEnrollmentResource<>(registry, replies, groups.kind());
    var registrations = new RegistrationResource(registry, replies);
    var emulator = new EmulatorResource(registry, faults, replies);
    var hubResource = new HubResource(hubs, replies);
    return List.of(
        Route.of("enrollments", List.of(), bulk::bulk),
        Route.of("POST", "enrollments", List.of(literal("query")), enrollments::query),
        Route.of("enrollments", List.of(ID), enrollments::one),
        Route.of(
            "enrollments", List.of(ID, ATTESTATION_MECHANISM), enrollments::attestationMechanism),
        Route.of("enrollmentgroups", List.of(), groupBulk::bulk),
        Route.of("POST", "enrollmentgroups", List.of(literal("query")), groups::query),
        Route.of("enrollmentgroups", List.of(ID), groups::one),
        Route.of(
            "enrollmentgroups", List.of(ID, ATTESTATION_MECHANISM), groups::attestationMechanism),
        Route.of("registrations", List.of(ID), registrations::one),
        Route.of("registrations", List.of(ID, literal("query")), registrations::ofGroup),
        Route.of("emulator", List.of(literal("operations")), emulator::operations),
        Route.of("emulator", List.of(literal("faults")), emulator::faults),
        Route.of("emulator", List.of(literal("hubs")), hubResource::all),
        Route.of(
            "emulator", List.of(literal("hubs"), ID, literal("twins"), ID), hubResource::twin));
  }

  /**
   * The answer to {@code request}, with an {@code x-ms-request-id}: the body's {@code trackingId}
   * where it has one (as in traces of the real service), a fresh one otherwise.
   */
  public ServiceReply handle(ServiceRequest request) {
    ServiceReply reply = answer(request);
    String requestId =
        reply
            .body()
            .map(body -> body.path("trackingId"))
            .filter(JsonNode::isTextual)
            .map(JsonNode::textValue)
            .orElseGet(() -> UUID.randomUUID().toString());
    return reply.withHeader("x-ms-request-id", requestId);
  }

  private ServiceReply answer(ServiceRequest request) {
    try {
      authenticator.authenticate(request.header("Authorization"), clock.instant());
    } catch (ServiceAuthenticationException e) {
      LOG.info(() -> "Rejected service request " + request + ": " + e.getMessage());
      return replies.error(ServiceError.UNAUTHORIZED);
    }
    Optional<String> apiVersion =
        request.queryParameter("api-version").filter(version -> !version.isBlank());
    if (apiVersion.isEmpty() || (strictApiVersion && !API_VERSIONS.contains(apiVersion.get()))) {
      return replies.error(ServiceError.MISSING_API_VERSION);
    }
    List<String> path;
    try {
      path = segments(request.rawPath());
    } catch (IllegalArgumentException e) {
      return replies.error(
          ServiceError.INVALID_REQUEST, "The path has a malformed percent escape.");
    }
    Optional<Route> route =
        routes.stream().filter(r -> r.matches(request.method(), path)).findFirst();
    if (route.isEmpty()) {
      return replies.error(ServiceError.NOT_FOUND);
    }
    try {
      return route.get().handler().handle(request, path);
    } catch (InvalidRequestException e) {
      return replies.error(ServiceError.INVALID_REQUEST, e.getMessage());
    } catch (PreconditionFailedException e) {
      return e.conflict()
          ? replies.error(
              ServiceError.CONFLICT, "To replace it, send If-Match with its etag, or *.")
          : replies.error(ServiceError.PRECONDITION_FAILED);
    }
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
}
