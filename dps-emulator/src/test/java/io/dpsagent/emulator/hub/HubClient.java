package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.mqtt.PahoClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;

/** An IoT Hub device over plain Paho MQTT 3.1.1, as a device SDK drives it. */
final class HubClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = PahoClients.TIMEOUT_SECONDS;

  /** A message the hub published to the device. */
  record Received(String topic, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final MqttClient client;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch lost = new CountDownLatch(1);

  HubClient(int port, String deviceId) throws MqttException {
    client =
        PahoClients.create(
            "ssl://127.0.0.1:" + port,
            deviceId,
            (topic, message) ->
                received.add(
                    new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8))),
            lost);
  }

  static String userName(String hub, String deviceId) {
    return hub + "/" + deviceId + "/?api-version=2021-04-12";
  }

  /** A device-scoped SAS token for {@code {hub}/devices/{deviceId}}, as the device SDKs sign it. */
  static String sasToken(String keyBase64, String hub, String deviceId, long expiry) {
    String sr = PercentEncoding.encode(hub + "/devices/" + deviceId, HexCase.UPPER);
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + PercentEncoding.encode(TestTokens.signature(keyBase64, sr, expiry), HexCase.UPPER)
        + "&se="
        + expiry;
  }

  /**
   * Connects.
   *
   * @param password the SAS token, or null for an X.509 device
   * @throws MqttException with the CONNACK return code as reason code when refused
   */
  void connect(SSLSocketFactory tls, String userName, String password) throws MqttException {
    client.connect(PahoClients.options(tls, userName, password));
  }

  int subscribe(String filter) throws MqttException {
    return client.subscribeWithResponse(filter, 0).getGrantedQos()[0];
  }

  void publish(String topic, String body, int qos) throws MqttException {
    client.publish(topic, body.getBytes(StandardCharsets.UTF_8), qos, false);
  }

  /** Publishes at QoS 0 without waiting: see {@link PahoClients#publishQos0}. */
  void publishQos0(String topic, String body) throws MqttException {
    PahoClients.publishQos0(client, topic, body);
  }

  /** Asks for the twin; the answer comes once subscribed to {@link HubTopics#TWIN_RESPONSES}. */
  Received getTwin(int rid) throws MqttException, InterruptedException {
    publish("$iothub/twin/GET/?$rid=" + rid, "", 0);
    return next();
  }

  /** Patches reported properties with {@code json}; answered as {@link #getTwin} is. */
  Received reportProperties(int rid, String json) throws MqttException, InterruptedException {
    publish("$iothub/twin/PATCH/properties/reported/?$rid=" + rid, json, 1);
    return next();
  }

  Received next() throws InterruptedException {
    return PahoClients.next(received, "message");
  }

  /** What arrived within {@code millis}, or null: for checking that nothing does. */
  Received nextWithin(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  boolean awaitConnectionLost() throws InterruptedException {
    return lost.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws MqttException {
    PahoClients.closeQuietly(client, 2000);
  }
}
