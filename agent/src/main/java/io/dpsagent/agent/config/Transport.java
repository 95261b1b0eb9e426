package io.dpsagent.agent.config;

import io.dpsagent.common.ConstantNames;
import io.dpsagent.hsm.Printable;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The device protocols DPS speaks, by their config names. */
public enum Transport {
  HTTPS(443),
  /** MQTT 3.1.1 over TLS: what DPS speaks. */
  MQTT(8883),
  /** MQTT 5 over TLS, for endpoints that speak it. */
  MQTT5(8883),
  /** MQTT 3.1.1 over a WebSocket on 443, for networks that pass nothing else. */
  MQTT_WS(443);

  private final int defaultPort;

  Transport(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  public String configName() {
    return ConstantNames.kebabCase(this);
  }

  /** The port used when {@code global_endpoint} names none. */
  public int defaultPort() {
    return defaultPort;
  }

  static Transport fromConfig(String value, String key) throws InvalidConfigException {
    for (Transport t : values()) {
      if (t.configName().equals(value.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new InvalidConfigException(
        key,
        Printable.quote(value)
            + " is not a supported transport; use one of: "
            + Arrays.stream(values()).map(Transport::configName).collect(Collectors.joining(", ")));
  }
}
