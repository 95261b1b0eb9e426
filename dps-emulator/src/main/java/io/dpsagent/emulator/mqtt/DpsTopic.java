package io.dpsagent.emulator.mqtt;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A topic a device publishes to, and the topics of the replies.
 *
 * @param requestId the {@code $rid} exactly as the device wrote it, echoed in the reply
 * @param operationId for {@link Kind#POLL}: the operation asked about, if the topic names one
 */
record DpsTopic(Kind kind, String requestId, Optional<String> operationId) {

  /** The only filter devices subscribe to. */
  static final String RESPONSE_FILTER = "$dps/registrations/res/#";

  private static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/?";
  private static final String POLL_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/?";
  private static final String RESPONSE_PREFIX = "$dps/registrations/res/";

  enum Kind {
    REGISTER,
    POLL
  }

  /** Empty if {@code topic} is not a DPS request topic with a {@code $rid}. */
  static Optional<DpsTopic> parse(String topic) {
    Kind kind;
    String query;
    if (topic.startsWith(REGISTER_PREFIX)) {
      kind = Kind.REGISTER;
      query = topic.substring(REGISTER_PREFIX.length());
    } else if (topic.startsWith(POLL_PREFIX)) {
      kind = Kind.POLL;
      query = topic.substring(POLL_PREFIX.length());
    } else {
      return Optional.empty();
    }
    Optional<String> requestId = QueryParameters.firstRaw(query, "$rid");
    if (requestId.isEmpty() || requestId.get().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> operationId =
        kind == Kind.POLL
            ? QueryParameters.first(query, "operationId").filter(id -> !id.isEmpty())
            : Optional.empty();
    return Optional.of(new DpsTopic(kind, requestId.get(), operationId));
  }

  /**
   * {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={n}]}: {@code $rid} first and
   * {@code retry-after} in lower case, because some SDKs split the topic positionally or match the
   * name case-sensitively.
   */
  String replyTopic(int status, OptionalInt retryAfterSeconds) {
    StringBuilder topic =
        new StringBuilder(RESPONSE_PREFIX).append(status).append("/?$rid=").append(requestId);
    retryAfterSeconds.ifPresent(seconds -> topic.append("&retry-after=").append(seconds));
    return topic.toString();
  }
}
