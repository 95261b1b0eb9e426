package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.RESPONSES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Over MQTT the api-version travels in the CONNECT user name, and is held to the same table. */
class MqttApiVersionTest extends MqttFixture {

  @Test
  void aTableVersionInTheUserNameRegisters() throws Exception {
    PahoDevice.Reply reply = registerWith("mqtt-api-2026", "2026-04-01");

    assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", reply.topic());
  }

  @ParameterizedTest
  @CsvSource({
    "mqtt-api-unknown, 2019-04-15, Unsupported API version 2019-04-15.",
    "mqtt-api-empty, '', The api-version is missing."
  })
  void anUnknownOrEmptyVersionInTheUserNameIs400004(
      String registrationId, String apiVersion, String message) throws Exception {
    PahoDevice.Reply reply = registerWith(registrationId, apiVersion);

    assertEquals("$dps/registrations/res/400/?$rid=1", reply.topic());
    assertEquals(400004, reply.body().get("errorCode").asInt());
    assertEquals(message, reply.body().get("message").asText());
  }

  private PahoDevice.Reply registerWith(String registrationId, String apiVersion) throws Exception {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY));
    String uri = "ssl://localhost:" + emulator.mqttEndpoint().getPort();
    try (PahoDevice paho = new PahoDevice(uri, registrationId)) {
      paho.connect(
          tls.getSocketFactory(),
          scope + "/registrations/" + registrationId + "/api-version=" + apiVersion,
          TestTokens.token(TestTokens.VECTOR_KEY, scope, registrationId));
      assertEquals(1, paho.subscribe(RESPONSES, 1));
      return paho.register(1, "{}");
    }
  }
}
