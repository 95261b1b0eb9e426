package io.dpsagent.e2e.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The Node device SDK (azure-iot-provisioning-device) with one transport, via register-device.js.
 */
final class NodeDeviceSdk implements DeviceSdk {

  static final int TIMEOUT_SECONDS = 30;

  private final String transport;

  private NodeDeviceSdk(String transport) {
    this.transport = transport;
  }

  /** azure-iot-provisioning-device-http. */
  static NodeDeviceSdk http() {
    return new NodeDeviceSdk("http");
  }

  /** azure-iot-provisioning-device-mqtt (needs the emulator's MQTT listener on 8883). */
  static NodeDeviceSdk mqtt() {
    return new NodeDeviceSdk("mqtt");
  }

  /**
   * azure-iot-provisioning-device-mqtt's MqttWs: MQTT in WebSocket on {@code
   * wss://host:443/$iothub/websocket}, the HTTPS host and port.
   */
  static NodeDeviceSdk mqttWs() {
    return new NodeDeviceSdk("mqtt-ws");
  }

  @Override
  public Outcome registerWithDeviceKey(DpsEmulator dps, String registrationId, String deviceKey)
      throws Exception {
    return register(dps, registrationId, attestation("symmetricKey").put("key", deviceKey));
  }

  @Override
  public Outcome registerWithGroupKey(DpsEmulator dps, String registrationId, String groupKey)
      throws Exception {
    return register(dps, registrationId, attestation("symmetricKey").put("groupKey", groupKey));
  }

  @Override
  public Outcome registerWithCertificate(
      DpsEmulator dps, String registrationId, TestPki.Leaf device) throws Exception {
    return register(
        dps,
        registrationId,
        attestation("x509")
            .put("certPem", TestPki.pem(device.chain().toArray()))
            .put("keyPem", TestPki.pem(device.privateKey())));
  }

  /**
   * Registers the TPM at {@code 127.0.0.1:swtpmPort} with azure-iot-security-tpm; the SDK derives
   * the registration ID from the TPM's endorsement key. swtpm serves one connection at a time: no
   * one else may hold it while this runs.
   */
  Outcome registerWithTpm(DpsEmulator dps, int swtpmPort) throws Exception {
    return register(
        dps, null, attestation("tpm").put("swtpmHost", "127.0.0.1").put("swtpmPort", swtpmPort));
  }

  private static ObjectNode attestation(String type) {
    return NodeScripts.JSON.createObjectNode().put("type", type);
  }

  /**
   * @param registrationId null where the SDK derives it (TPM)
   */
  private Outcome register(DpsEmulator dps, String registrationId, ObjectNode attestation)
      throws Exception {
    ObjectNode request =
        NodeScripts.JSON
            .createObjectNode()
            .put("transport", transport)
            .put("provisioningHost", StandardPortEmulators.host(dps))
            .put("idScope", dps.idScope())
            .put("timeoutSeconds", TIMEOUT_SECONDS);
    if (registrationId != null) {
      request.put("registrationId", registrationId);
    }
    request.set("attestation", attestation);
    NodeScripts.Run run = NodeScripts.run("register-device.js", request, dps.caFile());
    JsonNode outcome = run.outcome();
    if (run.exitCode() == 0 && outcome.path("ok").asBoolean()) {
      JsonNode result = outcome.path("result");
      return new Outcome.Registered(
          result.path("status").asText(null),
          result.path("assignedHub").asText(null),
          result.path("deviceId").asText(null));
    }
    if (run.exitCode() == 1) {
      JsonNode status = outcome.path("error").path("httpStatus");
      JsonNode errorCode = outcome.path("error").path("body").path("errorCode");
      return new Outcome.Failed(
          status.isInt() ? OptionalInt.of(status.intValue()) : OptionalInt.empty(),
          errorCode.isInt() ? OptionalInt.of(errorCode.intValue()) : OptionalInt.empty(),
          run.toString());
    }
    throw new AssertionError("register-device.js did not run to an SDK outcome: " + run);
  }

  @Override
  public boolean usesMqttPort() {
    return transport.equals("mqtt");
  }

  /** Every transport keeps the status: the HTTP response, or the MQTT response topic. */
  @Override
  public boolean surfacesStatus() {
    return true;
  }

  /** Its MQTT transport is event driven: a reply that arrives at once is handled like any other. */
  @Override
  public Duration mqttReplyDelay() {
    return Duration.ZERO;
  }

  @Override
  public String toString() {
    return "Node SDK over " + transport;
  }
}
