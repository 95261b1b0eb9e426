package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** An IoT Hub device over plain Paho MQTT 3.1.1, as a device SDK drives it. */
final class HubClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 20;

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
    client = new MqttClient("ssl://127.0.0.1:" + port, deviceId, new MemoryPersistence());
    client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {
            lost.countDown();
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            received.add(
                new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
  }

  static String userName(String hub, String deviceId) {
    return hub + "/" + deviceId + "/?api-version=2021-04-12";
  }

  /**
   * Connects.
   *
   * @param password the SAS token, or null for an X.509 device
   * @throws MqttException with the CONNACK return code as reason code when refused
   */
  void connect(SSLSocketFactory tls, String userName, String password) throws MqttException {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setSocketFactory(tls);
    options.setUserName(userName);
    if (password != null) {
      options.setPassword(password.toCharArray());
    }
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout((int) TIMEOUT_SECONDS);
    client.connect(options);
  }

  int subscribe(String filter) throws MqttException {
    return client.subscribeWithResponse(filter, 0).getGrantedQos()[0];
  }

  void publish(String topic, String body, int qos) throws MqttException {
    client.publish(topic, body.getBytes(StandardCharsets.UTF_8), qos, false);
  }

  Received next() throws InterruptedException {
    Received message = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("nothing received within " + TIMEOUT_SECONDS + " s");
    }
    return message;
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
    try {
      if (client.isConnected()) {
        client.disconnect(2000);
      }
    } catch (MqttException e) {
      // The hub may have closed the connection first (the tests that make it do so): nothing to
      // end.
    }
    client.close(true);
  }
}
