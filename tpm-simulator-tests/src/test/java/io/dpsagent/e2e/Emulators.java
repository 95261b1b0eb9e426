package io.dpsagent.e2e;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.config.EmulatorConfigBuilder;
import io.dpsagent.emulator.registry.LinkedHub;
import java.time.Duration;
import java.util.List;

/** Starts emulators configured for tests: free ports, generated CA, short Retry-After. */
final class Emulators {

  private Emulators() {}

  /** Every device transport on, MQTT 5 accepted (DPS itself refuses it), short Retry-After. */
  static DpsEmulator startAllTransports() throws Exception {
    return DpsEmulator.start(fast().mqtt5(io.dpsagent.emulator.mqtt.Mqtt5Policy.ACCEPT).build());
  }

  /** The emulator's endpoint for a transport's config name. */
  static java.net.URI endpointOf(DpsEmulator emulator, String transport) {
    switch (transport) {
      case "https":
        return emulator.httpsEndpoint();
      case "mqtt-ws":
        return java.net.URI.create("wss://localhost:" + emulator.mqttWebSocketEndpoint().getPort());
      default:
        return emulator.mqttEndpoint();
    }
  }

  static DpsEmulator startFast() throws Exception {
    return DpsEmulator.start(fast().build());
  }

  /** Like {@link #startFast()}, with {@code hubHostName} as the one hub DPS assigns devices to. */
  static DpsEmulator startWithHub(String hubHostName) throws Exception {
    return DpsEmulator.start(withHub(hubHostName).build());
  }

  /** The settings of {@link #startWithHub}, for a test that changes more of them. */
  static EmulatorConfigBuilder withHub(String hubHostName) {
    return fast().linkedHubs(List.of(LinkedHub.withHostName(hubHostName)));
  }

  /**
   * Like {@link #startWithHub}, DPS issuing certificates valid for {@code validity} to the devices
   * enrolled for certificate issuance.
   */
  static DpsEmulator startIssuing(String hubHostName, Duration validity) throws Exception {
    return DpsEmulator.start(issuing(hubHostName, validity).build());
  }

  /** The settings of {@link #startIssuing}, for a test that changes more of them. */
  static EmulatorConfigBuilder issuing(String hubHostName, Duration validity) {
    return withHub(hubHostName).issuedCertificateValidity(validity);
  }

  private static EmulatorConfigBuilder fast() {
    return EmulatorConfig.defaults().toBuilder().retryAfterSeconds(1);
  }
}
