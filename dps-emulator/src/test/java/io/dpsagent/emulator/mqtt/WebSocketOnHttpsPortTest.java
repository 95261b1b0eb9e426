package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.RESPONSES;
import static io.dpsagent.emulator.mqtt.PahoDevice.username;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.dpsagent.emulator.DeviceClient;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * DPS serves HTTPS and MQTT over WebSocket on one port ({@code wss://host:443/$iothub/websocket}):
 * so does the emulator's HTTPS device listener, with a separate WebSocket port only on request.
 */
class WebSocketOnHttpsPortTest extends MqttFixture {

  @Test
  void httpsAndMqttOverWebSocketRegisterOnTheSamePort() throws Exception {
    String httpsToken = enrollWithVectorKey("one-port-https");
    enrollWithVectorKey("one-port-wss");
    int port = emulator.httpsEndpoint().getPort();

    HttpResponse<String> https = device.register(scope, "one-port-https", httpsToken, "{}");
    assertEquals(202, https.statusCode(), https::body);
    String wss = "wss://localhost:" + port + "/$iothub/websocket";
    try (PahoDevice paho = connected(tls, wss, "one-port-wss")) {
      PahoDevice.Reply started = paho.register(1, "{}");
      assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", started.topic());
      String operationId = started.body().get("operationId").asText();
      MqttDeviceEndpointTest.assertAssigned(
          paho.poll(2, operationId).body(), operationId, "one-port-wss");
    }
  }

  @Test
  void theJavaSdksPathlessUriUpgradesOnTheHttpsPortToo() throws Exception {
    // The Java SDK 2.1.3 dials wss://host:443 without a path; Paho then asks for /mqtt.
    enrollWithVectorKey("one-port-java-path");
    String wss = "wss://localhost:" + emulator.httpsEndpoint().getPort();
    try (PahoDevice paho = connected(tls, wss, "one-port-java-path")) {
      assertEquals(
          "$dps/registrations/res/202/?$rid=1&retry-after=3", paho.register(1, "{}").topic());
    }
  }

  @Test
  void aRequestWithoutUpgradeStillReachesTheDeviceApi() {
    HttpResponse<String> response = device.send(device.request("$iothub/websocket").GET().build());

    DeviceClient.assertError(response, 404, 404000);
  }

  @Test
  void aSeparateWebSocketPortServesAlongsideTheHttpsPort() throws Exception {
    EmulatorConfig config = EmulatorConfig.defaults().toBuilder().mqttWebSocketPort(0).build();
    try (DpsEmulator separate = DpsEmulator.start(config)) {
      URI webSocket = separate.mqttWebSocketEndpoint();
      assertNotEquals(separate.httpsEndpoint().getPort(), webSocket.getPort());
      assertEquals("/$iothub/websocket", webSocket.getPath());
      SSLContext trust = TestTls.trusting(separate.caFile());
      List<String> uris =
          List.of(
              webSocket.toString(),
              "wss://localhost:" + separate.httpsEndpoint().getPort() + "/$iothub/websocket");
      for (int i = 0; i < uris.size(); i++) {
        String id = "separate-ws-" + i;
        separate
            .registry()
            .addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, TestTokens.VECTOR_KEY));
        try (PahoDevice paho = connected(trust, separate.idScope(), uris.get(i), id)) {
          assertEquals(
              "$dps/registrations/res/202/?$rid=1&retry-after=3",
              paho.register(1, "{}").topic(),
              uris.get(i));
        }
      }
    }
  }

  private PahoDevice connected(SSLContext trust, String uri, String registrationId)
      throws Exception {
    return connected(trust, scope, uri, registrationId);
  }

  private static PahoDevice connected(
      SSLContext trust, String idScope, String uri, String registrationId) throws Exception {
    PahoDevice paho = new PahoDevice(uri, registrationId);
    paho.connect(
        trust.getSocketFactory(),
        username(idScope, registrationId),
        TestTokens.token(TestTokens.VECTOR_KEY, idScope, registrationId));
    assertEquals(1, paho.subscribe(RESPONSES, 1));
    return paho;
  }
}
