package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.RESPONSES;
import static io.dpsagent.emulator.mqtt.PahoDevice.username;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

/** The MQTT device endpoints end to end: Paho 3.1.1 and raw MQTT bytes over real TLS. */
class MqttDeviceEndpointTest extends MqttFixture {

  @Test
  void describesItsEndpoints() {
    assertEquals("mqtts", emulator.mqttEndpoint().getScheme());
    assertEquals("localhost", emulator.mqttEndpoint().getHost());
    assertEquals("wss", emulator.mqttWebSocketEndpoint().getScheme());
    assertEquals("/$iothub/websocket", emulator.mqttWebSocketEndpoint().getPath());
    // MQTT over WebSocket shares the HTTPS port, as DPS serves both on 443.
    assertEquals(emulator.httpsEndpoint().getPort(), emulator.mqttWebSocketEndpoint().getPort());
    List<Integer> ports =
        List.of(emulator.httpsEndpoint().getPort(), emulator.mqttEndpoint().getPort());
    assertEquals(2, ports.stream().distinct().filter(port -> port > 0).count(), ports::toString);
  }

  @Test
  void symmetricKeyDeviceIsAssigned() throws Exception {
    enrollWithVectorKey("mqtt-1");
    emulator.requestLog().clear();
    String operationId;
    try (PahoDevice device = connected(tlsUri(), "mqtt-1")) {
      PahoDevice.Reply started = device.register(1, "{\"registrationId\":\"mqtt-1\"}");

      assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", started.topic());
      assertEquals(1, started.qos());
      assertEquals("assigning", started.body().get("status").asText());
      assertFalse(started.body().has("registrationState"));
      operationId = started.body().get("operationId").asText();

      PahoDevice.Reply result = device.poll(2, operationId);

      assertEquals("$dps/registrations/res/200/?$rid=2", result.topic());
      assertEquals(1, result.qos());
      assertAssigned(result.body(), operationId, "mqtt-1");
      assertTrue(result.body().path("registrationState").path("symmetricKey").isObject());
    }
    assertEquals(
        List.of(
            new RequestLog.Entry("MQTT PUBLISH", REGISTER + "1", 202),
            new RequestLog.Entry(
                "MQTT PUBLISH",
                "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId="
                    + operationId,
                200)),
        emulator.requestLog().entries());
  }

  @Test
  void registerTakesEveryBodyShapeSdksSend() throws Exception {
    enrollWithVectorKey("mqtt-bodies");
    List<String> bodies =
        List.of("", "{}", "{\"payload\":{\"modelId\":\"dtmi:x;1\"}}", "{\"payload\":null}");
    try (PahoDevice device = connected(tlsUri(), "mqtt-bodies")) {
      for (int i = 0; i < bodies.size(); i++) {
        PahoDevice.Reply reply = device.register(10 + i, bodies.get(i));

        assertEquals(
            "$dps/registrations/res/202/?$rid=" + (10 + i) + "&retry-after=3",
            reply.topic(),
            bodies.get(i));
      }
    }
  }

  @Test
  void groupDeviceIsAssignedWithDerivedKey() throws Exception {
    emulator
        .registry()
        .addEnrollmentGroup(EnrollmentGroup.symmetricKey("mqtt-line", TestTokens.VECTOR_GROUP_KEY));
    String deviceKey = TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "mqtt-grouped");
    try (PahoDevice device = new PahoDevice(tlsUri(), "mqtt-grouped")) {
      device.connect(
          tls.getSocketFactory(),
          username(scope, "mqtt-grouped"),
          TestTokens.token(deviceKey, scope, "mqtt-grouped"));
      device.subscribe(RESPONSES, 1);
      String operationId = device.register(1, "{}").body().get("operationId").asText();

      JsonNode result = device.poll(2, operationId).body();

      assertAssigned(result, operationId, "mqtt-grouped");
      assertEquals(
          "mqtt-line",
          result.path("registrationState").path("symmetricKey").path("enrollmentGroupId").asText());
    }
  }

  @Test
  void wrongSasIsAnsweredWith401() throws Exception {
    enrollWithVectorKey("mqtt-wrong-key");
    try (PahoDevice device = new PahoDevice(tlsUri(), "mqtt-wrong-key")) {
      device.connect(
          tls.getSocketFactory(),
          username(scope, "mqtt-wrong-key"),
          TestTokens.token(TestTokens.OTHER_KEY, scope, "mqtt-wrong-key"));
      device.subscribe(RESPONSES, 1);

      PahoDevice.Reply reply = device.register(1, "{}");

      assertEquals("$dps/registrations/res/401/?$rid=1", reply.topic());
      assertEquals(401002, reply.body().get("errorCode").asInt());
      assertTrue(reply.body().get("trackingId").asText().matches("[0-9a-f-]{36}"));
      assertTrue(device.isConnected(), "the connection stays up, as with DPS");
    }
  }

  @Test
  void clientIdOtherThanUsernameRegistrationIdIsRefused() throws Exception {
    enrollWithVectorKey("mqtt-id-a");

    assertEquals(
        MqttException.REASON_CODE_INVALID_CLIENT_ID,
        refusal("mqtt-id-b", username(scope, "mqtt-id-a"), vectorKeyToken("mqtt-id-a")));
  }

  @Test
  void usernameWithoutDpsShapeIsRefused() throws Exception {
    assertEquals(
        MqttException.REASON_CODE_FAILED_AUTHENTICATION,
        refusal("mqtt-shape", "mqtt-shape", vectorKeyToken("mqtt-shape")));
  }

  @Test
  void persistentSessionRequestAndNoKeepAliveAreAccepted() throws Exception {
    enrollWithVectorKey("mqtt-java-style");
    try (PahoDevice device = new PahoDevice(tlsUri(), "mqtt-java-style")) {
      boolean sessionPresent =
          device.connect(
              tls.getSocketFactory(),
              username(scope, "mqtt-java-style"),
              vectorKeyToken("mqtt-java-style"),
              false,
              0);

      assertFalse(sessionPresent);
      assertEquals(1, device.subscribe(RESPONSES, 1));
      assertEquals(202, status(device.register(1, "{}")));
    }
  }

  @Test
  void qos2SubscriptionIsGrantedQos1AndOtherFiltersAreRefused() throws Exception {
    enrollWithVectorKey("mqtt-qos");
    try (PahoDevice device = new PahoDevice(tlsUri(), "mqtt-qos")) {
      device.connect(
          tls.getSocketFactory(), username(scope, "mqtt-qos"), vectorKeyToken("mqtt-qos"));

      assertEquals(1, device.subscribe(RESPONSES, 2));
      assertEquals(0x80, device.subscribe("devices/mqtt-qos/messages/#", 1));
      assertEquals(1, device.register(1, "{}").qos());
    }
  }

  @Test
  void publishToUnknownTopicDisconnects() throws Exception {
    enrollWithVectorKey("mqtt-stray");
    try (PahoDevice device = connected(tlsUri(), "mqtt-stray")) {
      device.publishQos0("devices/mqtt-stray/messages/events/", "{}");

      assertTrue(device.awaitConnectionLost());
    }
  }

  @Test
  void injectedFaultIsPublishedWithRetryAfter() throws Exception {
    enrollWithVectorKey("mqtt-throttled");
    try (PahoDevice device = connected(tlsUri(), "mqtt-throttled")) {
      emulator.faults().failNext(1, 429, 7);

      PahoDevice.Reply throttled = device.register(1, "{}");

      assertEquals("$dps/registrations/res/429/?$rid=1&retry-after=7", throttled.topic());
      assertEquals(429001, throttled.body().get("errorCode").asInt());
      assertEquals(202, status(device.register(2, "{}")));
    }
  }

  @Test
  void pubAckIsSentBeforeTheReply() throws Exception {
    enrollWithVectorKey("mqtt-raw");
    try (RawMqttConnection raw = new RawMqttConnection(emulator.mqttEndpoint(), tls)) {
      raw.send(connect(MqttVersion.MQTT_3_1_1, "mqtt-raw", 0));
      MqttConnAckMessage connAck = (MqttConnAckMessage) raw.receive();
      assertEquals(
          MqttConnectReturnCode.CONNECTION_ACCEPTED, connAck.variableHeader().connectReturnCode());
      assertFalse(connAck.variableHeader().isSessionPresent());
      raw.send(
          MqttMessageBuilders.subscribe()
              .messageId(1)
              .addSubscription(MqttQoS.AT_LEAST_ONCE, RESPONSES)
              .build());
      MqttSubAckMessage subAck = (MqttSubAckMessage) raw.receive();
      assertEquals(List.of(1), subAck.payload().grantedQoSLevels());

      raw.send(registerPublish(7));
      MqttMessage first = raw.receive();
      MqttMessage second = raw.receive();

      assertEquals(MqttMessageType.PUBACK, first.fixedHeader().messageType());
      assertEquals(7, ((MqttMessageIdVariableHeader) first.variableHeader()).messageId());
      assertEquals(MqttMessageType.PUBLISH, second.fixedHeader().messageType());
      MqttPublishMessage reply = (MqttPublishMessage) second;
      try {
        assertEquals(MqttQoS.AT_LEAST_ONCE, reply.fixedHeader().qosLevel());
        assertEquals(
            "$dps/registrations/res/202/?$rid=7&retry-after=3", reply.variableHeader().topicName());
      } finally {
        reply.release();
      }
    }
  }

  /**
   * The reply delay models a network round trip: the PUBACK goes out at once, the reply not before
   * the delay, whatever the client does meanwhile.
   */
  @Test
  void replyDelayHoldsBackTheReplyButNotThePubAck() throws Exception {
    Duration delay = Duration.ofMillis(400);
    try (DpsEmulator delayed =
        DpsEmulator.start(EmulatorConfig.builder().mqttReplyDelay(delay).build())) {
      delayed
          .registry()
          .addIndividualEnrollment(
              IndividualEnrollment.symmetricKey("mqtt-delayed", TestTokens.VECTOR_KEY));
      try (RawMqttConnection raw =
          new RawMqttConnection(delayed.mqttEndpoint(), TestTls.trusting(delayed.caFile()))) {
        raw.send(connect(delayed.idScope(), MqttVersion.MQTT_3_1_1, "mqtt-delayed", 0));
        assertEquals(MqttMessageType.CONNACK, raw.receive().fixedHeader().messageType());
        raw.send(
            MqttMessageBuilders.subscribe()
                .messageId(1)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, RESPONSES)
                .build());
        assertEquals(MqttMessageType.SUBACK, raw.receive().fixedHeader().messageType());

        long sent = System.nanoTime();
        raw.send(registerPublish(9));
        MqttMessage first = raw.receive();
        MqttMessage second = raw.receive();
        Duration replyAfter = Duration.ofNanos(System.nanoTime() - sent);

        assertEquals(MqttMessageType.PUBACK, first.fixedHeader().messageType());
        MqttPublishMessage reply = (MqttPublishMessage) second;
        try {
          assertEquals(
              "$dps/registrations/res/202/?$rid=9&retry-after=3",
              reply.variableHeader().topicName());
        } finally {
          reply.release();
        }
        assertTrue(replyAfter.compareTo(delay) >= 0, "reply after " + replyAfter);
      }
    }
  }

  @Test
  void mqtt5ConnectIsRefusedWithA311ConnAckByDefault() throws Exception {
    enrollWithVectorKey("mqtt-five");
    try (RawMqttConnection raw = new RawMqttConnection(emulator.mqttEndpoint(), tls)) {
      raw.send(connect(MqttVersion.MQTT_5, "mqtt-five", 60));

      // CONNACK, remaining length 2, session present 0, return code 1; then the server hangs up.
      assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x01}, raw.readUntilClosed());
    }
  }

  @Test
  void silentConnectionIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
    enrollWithVectorKey("mqtt-silent");
    try (RawMqttConnection raw = new RawMqttConnection(emulator.mqttEndpoint(), tls)) {
      raw.send(connect(MqttVersion.MQTT_3_1_1, "mqtt-silent", 1));
      assertEquals(MqttMessageType.CONNACK, raw.receive().fixedHeader().messageType());

      // Blocks until the server closes; the read timeout (20 s) would fail the test instead.
      assertEquals(0, raw.readUntilClosed().length);
    }
  }

  @Test
  void webSocketDeviceIsAssigned() throws Exception {
    enrollWithVectorKey("mqtt-ws");
    try (PahoDevice device = connected(emulator.mqttWebSocketEndpoint().toString(), "mqtt-ws")) {
      PahoDevice.Reply started = device.register(1, "{}");
      assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", started.topic());
      String operationId = started.body().get("operationId").asText();

      assertAssigned(device.poll(2, operationId).body(), operationId, "mqtt-ws");
    }
  }

  @Test
  void webSocketUpgradeWorksOnAnyPath() throws Exception {
    enrollWithVectorKey("mqtt-ws-path");
    String uri = "wss://localhost:" + emulator.mqttWebSocketEndpoint().getPort() + "/mqtt";
    try (PahoDevice device = connected(uri, "mqtt-ws-path")) {
      assertEquals(202, status(device.register(1, "{}")));
    }
  }

  @Test
  void webSocketSubprotocolIsMatchedIgnoringCase() throws Exception {
    List<String> upper = upgrade("/any/path", "MQTT");
    assertEquals("HTTP/1.1 101 Switching Protocols", upper.get(0));
    assertTrue(upper.contains("sec-websocket-protocol: MQTT"), upper::toString);

    assertEquals("HTTP/1.1 400 Bad Request", upgrade("/", "amqpwsb10").get(0));
    assertEquals("HTTP/1.1 400 Bad Request", upgrade("/", null).get(0));
  }

  // --- helpers ---

  private String tlsUri() {
    return "ssl://localhost:" + emulator.mqttEndpoint().getPort();
  }

  /** The reason code the CONNECT of {@code clientId} is refused with. */
  private int refusal(String clientId, String username, String password) throws Exception {
    try (PahoDevice device = new PahoDevice(tlsUri(), clientId)) {
      return assertThrows(
              MqttException.class, () -> device.connect(tls.getSocketFactory(), username, password))
          .getReasonCode();
    }
  }

  private PahoDevice connected(String serverUri, String registrationId) throws Exception {
    PahoDevice device = new PahoDevice(serverUri, registrationId);
    device.connect(
        tls.getSocketFactory(), username(scope, registrationId), vectorKeyToken(registrationId));
    assertEquals(1, device.subscribe(RESPONSES, 1));
    return device;
  }

  private int status(PahoDevice.Reply reply) {
    String[] segments = reply.topic().split("/");
    return Integer.parseInt(segments[3]);
  }

  static void assertAssigned(JsonNode result, String operationId, String registrationId) {
    assertEquals(operationId, result.get("operationId").asText());
    assertEquals("assigned", result.get("status").asText());
    JsonNode state = result.get("registrationState");
    assertEquals(registrationId, state.get("registrationId").asText());
    assertEquals(EmulatorConfig.DEFAULT_HUB, state.get("assignedHub").asText());
    assertEquals(registrationId, state.get("deviceId").asText());
    assertEquals("assigned", state.get("status").asText());
  }

  private MqttMessage connect(MqttVersion version, String registrationId, int keepAlive) {
    return connect(scope, version, registrationId, keepAlive);
  }

  /** Sends a WebSocket upgrade; returns the status line and header lines (names lower-cased). */
  private List<String> upgrade(String path, String subprotocol) throws IOException {
    URI endpoint = emulator.mqttWebSocketEndpoint();
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(20_000);
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Version: 13\r\n"
              + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      lines.add(in.readLine());
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        lines.add(line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon));
      }
      return lines;
    }
  }
}
