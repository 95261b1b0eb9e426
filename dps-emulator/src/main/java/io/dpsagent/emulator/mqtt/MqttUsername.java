package io.dpsagent.emulator.mqtt;

import java.util.Optional;

/**
 * The CONNECT user name of a DPS device: {@code
 * {idScope}/registrations/{registrationId}/api-version={v}[&ClientVersion=...]}.
 *
 * <p>SDKs append different things after the API version (raw or percent-encoded user agents, the
 * API version again), so only the part before the first {@code /api-version=} is structured; the
 * rest is a query string whose unknown keys are ignored.
 */
record MqttUsername(String idScope, String registrationId, Optional<String> apiVersion) {

  private static final String API_VERSION_SEPARATOR = "/api-version=";

  /** Empty if {@code username} does not have the DPS shape. */
  static Optional<MqttUsername> parse(String username) {
    int separator = username.indexOf(API_VERSION_SEPARATOR);
    if (separator < 0) {
      return Optional.empty();
    }
    String[] path = username.substring(0, separator).split("/", -1);
    if (path.length != 3
        || !path[1].equals("registrations")
        || path[0].isEmpty()
        || path[2].isEmpty()) {
      return Optional.empty();
    }
    String query = "api-version=" + username.substring(separator + API_VERSION_SEPARATOR.length());
    return Optional.of(
        new MqttUsername(path[0], path[2], QueryParameters.first(query, "api-version")));
  }
}
