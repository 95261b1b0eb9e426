package io.dpsagent.e2e.interop;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import java.time.Duration;

/** One official device SDK with one transport, driven against an emulator. */
interface DeviceSdk {

  /** Registers with the device key of an individual enrollment. */
  Outcome registerWithDeviceKey(DpsEmulator dps, String registrationId, String deviceKeyBase64)
      throws Exception;

  /**
   * Registers under a group enrollment, deriving the device key as this SDK's documentation does.
   */
  Outcome registerWithGroupKey(DpsEmulator dps, String registrationId, String groupKeyBase64)
      throws Exception;

  /** Registers with an X.509 identity: a TLS client certificate whose CN is the registration ID. */
  Outcome registerWithCertificate(DpsEmulator dps, String registrationId, TestPki.Leaf device)
      throws Exception;

  /**
   * Whether this SDK and transport tell the caller the status DPS answered a failed request with
   * (an HTTP status, or the status in the MQTT response topic), or only the error body.
   */
  boolean surfacesStatus();

  /**
   * How long the emulator should hold each MQTT reply back for this SDK to see it: zero unless the
   * SDK only starts waiting for a reply after its publish returns, and would miss an instant one.
   */
  Duration mqttReplyDelay();

  /**
   * Whether the emulator must serve MQTT on 8883 for this SDK. An SDK over MQTT in WebSocket dials
   * 443 only; its emulator then keeps 8883 closed, so that an assignment proves the SDK reached DPS
   * on the HTTPS host and port.
   */
  default boolean usesMqttPort() {
    return true;
  }
}
