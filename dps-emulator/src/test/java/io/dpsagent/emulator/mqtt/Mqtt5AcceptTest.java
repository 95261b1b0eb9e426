package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.RESPONSES;
import static io.dpsagent.emulator.mqtt.PahoDevice.username;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code mqtt5 = "accept"}, the same DPS topics over MQTT 5 (Paho mqttv5). */
class Mqtt5AcceptTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static DpsEmulator emulator;
  private static String scope;

  @BeforeAll
  static void start() throws IOException {
    emulator = DpsEmulator.start(EmulatorConfig.builder().mqtt5(Mqtt5Policy.ACCEPT).build());
    scope = emulator.idScope();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  /** A received reply: topic, QoS and parsed body. */
  private record Reply(String topic, int qos, JsonNode body) {}

  @Test
  void mqtt5DeviceIsAssigned() throws Exception {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("mqtt5-1", TestTokens.VECTOR_KEY));
    BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    MqttClient client = newClient("mqtt5-1", replies);
    try {
      IMqttToken connected = client.connectWithResult(options("mqtt5-1", TestTokens.VECTOR_KEY));
      assertFalse(connected.getSessionPresent());
      assertArrayEquals(new int[] {1}, client.subscribe(RESPONSES, 2).getGrantedQos());

      client.publish(
          "$dps/registrations/PUT/iotdps-register/?$rid=1",
          "{\"registrationId\":\"mqtt5-1\"}".getBytes(StandardCharsets.UTF_8),
          1,
          false);
      Reply started = PahoClients.next(replies, "reply");
      assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", started.topic());
      assertEquals(1, started.qos());
      String operationId = started.body().get("operationId").asText();

      client.publish(
          "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + operationId,
          new byte[0],
          1,
          false);
      Reply result = PahoClients.next(replies, "reply");

      assertEquals("$dps/registrations/res/200/?$rid=2", result.topic());
      MqttDeviceEndpointTest.assertAssigned(result.body(), operationId, "mqtt5-1");
    } finally {
      client.disconnect();
      client.close();
    }
  }

  @Test
  void mqtt5ClientIdMismatchIsRefusedWithV5ReasonCode() throws Exception {
    MqttClient client = newClient("mqtt5-other", new LinkedBlockingQueue<>());
    try {
      MqttException refused =
          assertThrows(
              MqttException.class,
              () -> client.connect(options("mqtt5-mine", TestTokens.VECTOR_KEY)));

      assertEquals(0x85, refused.getReasonCode(), "client identifier not valid");
    } finally {
      client.close();
    }
  }

  private static MqttClient newClient(String clientId, BlockingQueue<Reply> replies)
      throws MqttException {
    MqttClient client =
        new MqttClient(
            "ssl://localhost:" + emulator.mqttEndpoint().getPort(),
            clientId,
            new MemoryPersistence());
    client.setTimeToWait(20_000);
    client.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) throws IOException {
            replies.add(new Reply(topic, message.getQos(), JSON.readTree(message.getPayload())));
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverUri) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    return client;
  }

  private static MqttConnectionOptions options(String registrationId, String key) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(TestTls.trusting(emulator.caFile()).getSocketFactory());
    options.setUserName(username(scope, registrationId));
    options.setPassword(
        TestTokens.token(key, scope, registrationId).getBytes(StandardCharsets.UTF_8));
    options.setCleanStart(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout(20);
    return options;
  }
}
