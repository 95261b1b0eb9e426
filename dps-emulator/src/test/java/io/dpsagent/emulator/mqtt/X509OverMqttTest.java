package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.RESPONSES;
import static io.dpsagent.emulator.mqtt.PahoDevice.username;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.EmulatorFixture;
import io.dpsagent.emulator.TestTls;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** X.509 devices over MQTT (TLS and WebSocket): certificate in the handshake, no password. */
class X509OverMqttTest extends EmulatorFixture {

  private X509Chain chain;

  @BeforeAll
  void enrollGroup() throws Exception {
    chain = enrollX509Group("mqtt-root", "MQTT Test Root");
  }

  @Test
  void groupDeviceIsAssignedOverMqtt() throws Exception {
    TestPki.Leaf device = chain.intermediate().leaf("mqtt-x509-1", KeyType.EC_P256);

    JsonNode result =
        registerAndPoll(tlsUri(), "mqtt-x509-1", device, chain.intermediate().certificate());

    MqttDeviceEndpointTest.assertAssigned(
        result, result.get("operationId").asText(), "mqtt-x509-1");
    assertEquals("mqtt-root", result.at("/registrationState/x509/enrollmentGroupId").asText());
    assertFalse(result.get("registrationState").has("symmetricKey"));
  }

  @Test
  void individualDeviceIsAssignedOverWebSocket() throws Exception {
    TestPki.Leaf device = enrollSelfSignedX509("mqtt-x509-ws");

    JsonNode result =
        registerAndPoll(emulator.mqttWebSocketEndpoint().toString(), "mqtt-x509-ws", device);

    MqttDeviceEndpointTest.assertAssigned(
        result, result.get("operationId").asText(), "mqtt-x509-ws");
    assertEquals(
        "CN=mqtt-x509-ws",
        result.at("/registrationState/x509/certificateInfo/subjectName").asText());
  }

  @Test
  void deviceOfUnknownCaIsAnswered401() throws Exception {
    TestPki.Leaf device =
        TestPki.rootCa("Stranger Root").leaf("mqtt-x509-stranger", KeyType.EC_P256);
    try (PahoDevice paho = connected(tlsUri(), "mqtt-x509-stranger", device)) {
      PahoDevice.Reply reply = paho.register(1, "{}");

      assertEquals("$dps/registrations/res/401/?$rid=1", reply.topic());
      assertEquals(401002, reply.body().get("errorCode").asInt());
    }
  }

  @Test
  void usernameOtherThanCommonNameIsAnswered401() throws Exception {
    TestPki.Leaf device = chain.intermediate().leaf("mqtt-x509-real", KeyType.EC_P256);
    try (PahoDevice paho =
        connected(tlsUri(), "mqtt-x509-claimed", device, chain.intermediate().certificate())) {
      PahoDevice.Reply reply = paho.register(1, "{}");

      assertEquals("$dps/registrations/res/401/?$rid=1", reply.topic());
      assertEquals(401002, reply.body().get("errorCode").asInt());
    }
  }

  private JsonNode registerAndPoll(
      String serverUri,
      String registrationId,
      TestPki.Leaf device,
      X509Certificate... intermediates)
      throws Exception {
    try (PahoDevice paho = connected(serverUri, registrationId, device, intermediates)) {
      PahoDevice.Reply started = paho.register(1, "{}");
      assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", started.topic());
      PahoDevice.Reply result = paho.poll(2, started.body().get("operationId").asText());
      assertEquals("$dps/registrations/res/200/?$rid=2", result.topic());
      return result.body();
    }
  }

  private PahoDevice connected(
      String serverUri,
      String registrationId,
      TestPki.Leaf device,
      X509Certificate... intermediates)
      throws Exception {
    PahoDevice paho = new PahoDevice(serverUri, registrationId);
    paho.connect(
        TestTls.withClientCertificate(emulator.caFile(), device, intermediates).getSocketFactory(),
        username(scope, registrationId),
        null);
    assertEquals(1, paho.subscribe(RESPONSES, 1));
    return paho;
  }

  private String tlsUri() {
    return "ssl://localhost:" + emulator.mqttEndpoint().getPort();
  }
}
