package io.dpsagent.emulator.hub;

import io.dpsagent.emulator.mqtt.QueryParameters;
import java.util.Optional;

/** The IoT Hub MQTT topics a device uses, as the device SDKs spell them. */
final class HubTopics {

  static final String TWIN_RESPONSES = "$iothub/twin/res/#";
  static final String DESIRED_UPDATES = "$iothub/twin/PATCH/properties/desired/#";
  static final String METHODS = "$iothub/methods/POST/#";

  private static final String TWIN_GET = "$iothub/twin/GET/";
  private static final String REPORTED_PATCH = "$iothub/twin/PATCH/properties/reported/";

  private HubTopics() {}

  /** What a device's PUBLISH asks for. */
  enum Kind {
    TWIN_GET,
    REPORTED_PATCH,
    TELEMETRY,
    UNKNOWN
  }

  static Kind kind(String topic, String deviceId) {
    if (topic.startsWith(TWIN_GET)) {
      return Kind.TWIN_GET;
    }
    if (topic.startsWith(REPORTED_PATCH)) {
      return Kind.REPORTED_PATCH;
    }
    if (topic.startsWith(telemetryPrefix(deviceId))) {
      return Kind.TELEMETRY;
    }
    return Kind.UNKNOWN;
  }

  /** The filters a device may subscribe to; others are refused in SUBACK. */
  static boolean isSubscribable(String filter, String deviceId) {
    return filter.equals(TWIN_RESPONSES)
        || filter.equals(DESIRED_UPDATES)
        || filter.equals(METHODS)
        || filter.equals("devices/" + deviceId + "/messages/devicebound/#");
  }

  /** The request ID of a twin request topic ({@code ...?$rid=N}); empty when it has none. */
  static Optional<String> requestId(String topic) {
    int query = topic.indexOf('?');
    return query < 0
        ? Optional.empty()
        : QueryParameters.firstRaw(topic.substring(query + 1), "$rid");
  }

  static String twinResponse(int status, String requestId, Optional<Long> version) {
    return "$iothub/twin/res/"
        + status
        + "/?$rid="
        + requestId
        + version.map(v -> "&$version=" + v).orElse("");
  }

  static String desiredUpdate(long version) {
    return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
  }

  private static String telemetryPrefix(String deviceId) {
    return "devices/" + deviceId + "/messages/events/";
  }
}
