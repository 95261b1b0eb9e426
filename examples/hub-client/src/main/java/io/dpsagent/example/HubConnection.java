package io.dpsagent.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One MQTT 3.1.1 connection to an IoT hub, speaking the hub's device topics: the twin on {@code
 * $iothub/twin/...} and telemetry on {@code devices/{id}/messages/events/}.
 */
final class HubConnection implements AutoCloseable {

  /** The IoT Hub API version the device topics follow. */
  static final String API_VERSION = "2021-04-12";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_SECONDS = 20;

  private final MqttClient client;
  private final String deviceId;
  private final BlockingQueue<JsonNode> twinReplies = new LinkedBlockingQueue<>();
  private final AtomicInteger requestIds = new AtomicInteger();

  private HubConnection(MqttClient client, String deviceId) {
    this.client = client;
    this.deviceId = deviceId;
  }

  /**
   * Connects as the device.
   *
   * @param password the SAS token; null for an X.509 device, which the TLS handshake identifies
   * @throws MqttException with the CONNACK code as reason code when the hub refuses (5: not
   *     authorized, the identity is unknown to this hub or the credential is wrong)
   */
  static HubConnection open(DeviceIdentity device, int port, SSLContext tls, String password)
      throws MqttException {
    MqttClient client =
        new MqttClient(
            "ssl://" + device.hubHostName() + ":" + port,
            device.deviceId(),
            new MemoryPersistence());
    client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setSocketFactory(tls.getSocketFactory());
    options.setUserName(
        device.hubHostName() + "/" + device.deviceId() + "/?api-version=" + API_VERSION);
    if (password != null) {
      options.setPassword(password.toCharArray());
    }
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout(TIMEOUT_SECONDS);
    options.setKeepAliveInterval(60);
    try {
      client.connect(options);
    } catch (MqttException e) {
      client.close(true);
      throw e;
    }
    HubConnection connection = new HubConnection(client, device.deviceId());
    client.subscribe(
        "$iothub/twin/res/#",
        0,
        (topic, message) -> connection.twinReplies.add(twinReply(topic, message.getPayload())));
    return connection;
  }

  /** The twin's desired properties, as the hub holds them now. */
  JsonNode desiredProperties() throws MqttException, IOException, InterruptedException {
    String rid = Integer.toString(requestIds.incrementAndGet());
    client.publish("$iothub/twin/GET/?$rid=" + rid, new byte[0], 0, false);
    JsonNode reply = twinReplies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (reply == null) {
      throw new IOException("the hub sent no twin within " + TIMEOUT_SECONDS + " s");
    }
    if (reply.path("status").asInt() != 200 || !reply.path("rid").asText().equals(rid)) {
      throw new IOException("the hub answered the twin request with " + reply.path("status"));
    }
    return reply.path("body").path("desired");
  }

  /** Sends a telemetry message at QoS 1 (the hub acknowledges it). */
  void send(JsonNode message) throws MqttException {
    client.publish(
        "devices/" + deviceId + "/messages/events/",
        message.toString().getBytes(StandardCharsets.UTF_8),
        1,
        false);
  }

  private static JsonNode twinReply(String topic, byte[] payload) throws IOException {
    // $iothub/twin/res/{status}/?$rid={rid}
    String[] parts = topic.split("/");
    String query = topic.substring(topic.indexOf('?') + 1);
    String rid = "";
    for (String pair : query.split("&")) {
      if (pair.startsWith("$rid=")) {
        rid = pair.substring(5);
      }
    }
    return JSON.createObjectNode()
        .put("status", Integer.parseInt(parts[3]))
        .put("rid", rid)
        .set("body", payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload));
  }

  @Override
  public void close() throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect(2000);
      }
    } catch (MqttException e) {
      // The hub closed first (it does when it drops a moved device): the connection is over anyway.
    }
    client.close(true);
  }
}
