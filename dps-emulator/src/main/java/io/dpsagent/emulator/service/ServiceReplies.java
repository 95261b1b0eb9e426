package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.PreconditionFailedException;
import io.dpsagent.emulator.registry.Registry;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/** What the service API resources share: error replies stamped by one clock, bodies, queries. */
final class ServiceReplies {

  static final String IF_MATCH = "If-Match";
  static final String IF_NONE_MATCH = "If-None-Match";

  private final Clock clock;

  ServiceReplies(Clock clock) {
    this.clock = clock;
  }

  ServiceReply error(ServiceError error) {
    return error(error, null);
  }

  /**
   * @param detail appended to the error's message; may be null
   */
  ServiceReply error(ServiceError error, String detail) {
    return ServiceReply.error(error, detail, clock.instant());
  }

  ServiceReply notAllowed(String allow) {
    return error(ServiceError.METHOD_NOT_ALLOWED).withHeader("Allow", allow);
  }

  static ServiceReply withEtag(ServiceReply reply, String etag) {
    return reply.withHeader("ETag", "\"" + etag + "\"");
  }

  /**
   * One page of {@code all}, as the {@code x-ms-max-item-count} and continuation headers ask. The
   * answer's {@code x-ms-max-item-count} is the page size used: the one asked for, or without one
   * the whole result (the emulator does not page unasked).
   */
  static <T> ServiceReply query(
      ServiceRequest request, List<T> all, Function<T, ObjectNode> toJson, String itemType)
      throws InvalidRequestException {
    QueryPage.checkSpecification(request.body().length == 0 ? null : body(request));
    QueryPage page =
        QueryPage.of(
            all.size(), request.header("x-ms-max-item-count"), request.header("x-ms-continuation"));
    ArrayNode items = Json.MAPPER.createArrayNode();
    all.subList(page.from(), page.to()).forEach(item -> items.add(toJson.apply(item)));
    ServiceReply reply =
        ServiceReply.ok(items)
            .withHeader("x-ms-item-type", itemType)
            .withHeader("x-ms-max-item-count", Integer.toString(page.size()));
    return page.continuation()
        .map(token -> reply.withHeader("x-ms-continuation", token))
        .orElse(reply);
  }

  static JsonNode body(ServiceRequest request) throws InvalidRequestException {
    try {
      JsonNode json = Json.MAPPER.readTree(request.body());
      if (json == null || json.isMissingNode()) {
        throw new InvalidRequestException("the body is empty");
      }
      return json;
    } catch (IOException e) {
      throw new InvalidRequestException("the body is not valid JSON");
    }
  }

  // DPS only accepts hubs linked to the instance.
  static void checkHubsAreLinked(Registry registry, Enrollment enrollment)
      throws InvalidRequestException {
    for (String hub : enrollment.iotHubs()) {
      if (registry.linkedHub(hub).isEmpty()) {
        throw new InvalidRequestException("iotHubs names a hub that is not linked: " + hub);
      }
    }
  }

  interface Put<T> {
    T run() throws PreconditionFailedException;
  }

  // The registry enforces the allocation rules (static needs one hub, custom needs a webhook).
  static <T> T putRule(Put<T> put) throws InvalidRequestException, PreconditionFailedException {
    try {
      return put.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }
}
