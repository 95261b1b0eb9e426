package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.Version;
import io.dpsagent.agent.transport.RetryAfter;
import io.dpsagent.common.PercentEncoding;
import java.time.Duration;
import java.util.Optional;

/**
 * The MQTT names of the DPS device protocol: the CONNECT username, the request topics, and the
 * reply topic {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}]}.
 */
final class DpsTopics {

  static final String REPLY_FILTER = "$dps/registrations/res/#";
  private static final String REPLY_PREFIX = "$dps/registrations/res/";
  private static final java.util.regex.Pattern HTTP_STATUS =
      java.util.regex.Pattern.compile("[1-5][0-9][0-9]");

  /** A parsed reply topic. */
  record Reply(int status, String rid, Optional<Duration> retryAfter) {}

  private DpsTopics() {}

  static String username(String idScope, String registrationId, String apiVersion) {
    return idScope
        + "/registrations/"
        + registrationId
        + "/api-version="
        + apiVersion
        + "&ClientVersion="
        + PercentEncoding.encode(Version.USER_AGENT);
  }

  static String register(String rid) {
    return "$dps/registrations/PUT/iotdps-register/?$rid=" + rid;
  }

  static String poll(String rid, String operationId) {
    return "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="
        + rid
        + "&operationId="
        + operationId;
  }

  /** Parses a reply topic; empty for anything that is not one. */
  static Optional<Reply> parseReply(String topic) {
    if (!topic.startsWith(REPLY_PREFIX)) {
      return Optional.empty();
    }
    String rest = topic.substring(REPLY_PREFIX.length());
    int slash = rest.indexOf("/?");
    if (slash <= 0) {
      return Optional.empty();
    }
    String statusText = rest.substring(0, slash);
    if (!HTTP_STATUS.matcher(statusText).matches()) {
      return Optional.empty(); // "+200", "-1", "99999": not a status DPS sends
    }
    int status = Integer.parseInt(statusText);
    String rid = null;
    Optional<Duration> retryAfter = Optional.empty();
    for (String pair : rest.substring(slash + 2).split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (name.equals("$rid")) {
        rid = value;
      } else if (name.equalsIgnoreCase("retry-after")) {
        retryAfter = RetryAfter.parse(value);
      }
    }
    return rid == null ? Optional.empty() : Optional.of(new Reply(status, rid, retryAfter));
  }
}
