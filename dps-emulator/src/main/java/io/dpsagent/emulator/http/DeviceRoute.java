package io.dpsagent.emulator.http;

import io.dpsagent.common.PercentEncoding;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Optional;

/**
 * A URL path of the DPS device API, with its segments percent-decoded.
 *
 * <p>SDKs differ in what they escape (C escapes every ID with lower-case hex, Java and Node insert
 * them raw), so segments are decoded before anything compares them.
 *
 * @param operationId present for {@link Kind#POLL} only
 */
record DeviceRoute(Kind kind, String idScope, String registrationId, Optional<String> operationId) {

  enum Kind {
    /** {@code PUT /{idScope}/registrations/{registrationId}/register}. */
    REGISTER(HttpMethod.PUT),
    /** {@code GET /{idScope}/registrations/{registrationId}/operations/{operationId}}. */
    POLL(HttpMethod.GET),
    /** {@code POST /{idScope}/registrations/{registrationId}}: the registration status lookup. */
    STATUS_LOOKUP(HttpMethod.POST);

    private final HttpMethod method;

    Kind(HttpMethod method) {
      this.method = method;
    }

    HttpMethod method() {
      return method;
    }
  }

  /**
   * Matches a raw (still encoded) path; empty if it is not a device API path.
   *
   * @throws IllegalArgumentException if a segment has a malformed percent escape
   */
  static Optional<DeviceRoute> match(String rawPath) {
    if (!rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String[] segments = rawPath.substring(1).split("/", -1);
    if (segments.length < 3 || !segments[1].equals("registrations") || hasEmpty(segments)) {
      return Optional.empty();
    }
    String idScope = PercentEncoding.decode(segments[0], "path segment");
    String registrationId = PercentEncoding.decode(segments[2], "path segment");
    if (segments.length == 3) {
      return Optional.of(
          new DeviceRoute(Kind.STATUS_LOOKUP, idScope, registrationId, Optional.empty()));
    }
    if (segments.length == 4 && segments[3].equals("register")) {
      return Optional.of(new DeviceRoute(Kind.REGISTER, idScope, registrationId, Optional.empty()));
    }
    if (segments.length == 5 && segments[3].equals("operations")) {
      Optional<String> operationId =
          Optional.of(PercentEncoding.decode(segments[4], "path segment"));
      return Optional.of(new DeviceRoute(Kind.POLL, idScope, registrationId, operationId));
    }
    return Optional.empty();
  }

  private static boolean hasEmpty(String[] segments) {
    for (String segment : segments) {
      if (segment.isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
