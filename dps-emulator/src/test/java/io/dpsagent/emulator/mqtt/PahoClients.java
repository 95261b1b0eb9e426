package io.dpsagent.emulator.mqtt;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Paho MQTT 3.1.1 clients set up as the device SDKs set them up, for DPS and hub tests alike. */
public final class PahoClients {

  /** The bound on every wait: connecting, a token, a message. */
  public static final long TIMEOUT_SECONDS = 20;

  private PahoClients() {}

  /**
   * A client that hands every message it receives to {@code onMessage} and counts {@code lost} down
   * when the server closes the connection.
   */
  public static MqttClient create(
      String serverUri,
      String clientId,
      BiConsumer<String, MqttMessage> onMessage,
      CountDownLatch lost)
      throws MqttException {
    MqttClient client = new MqttClient(serverUri, clientId, new MemoryPersistence());
    client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {
            lost.countDown();
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            onMessage.accept(topic, message);
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    return client;
  }

  /**
   * MQTT 3.1.1 on {@code tls}, clean session, no automatic reconnect.
   *
   * @param password the SAS token, or null for an X.509 device
   */
  public static MqttConnectOptions options(SSLSocketFactory tls, String userName, String password) {
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
    return options;
  }

  /**
   * The next item of {@code queue} within {@link #TIMEOUT_SECONDS}; fails the test if none comes.
   */
  public static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
    T item = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (item == null) {
      throw new AssertionError("no " + what + " within " + TIMEOUT_SECONDS + " s");
    }
    return item;
  }

  /**
   * Publishes at QoS 0 without waiting for anything. Not the synchronous publish: Paho completes a
   * QoS 0 token on its callback thread, which a server closing the connection at once may stop
   * first, and the publish then waits out its whole timeout (seen in clean-clone runs).
   */
  public static void publishQos0(MqttClient client, String topic, String body)
      throws MqttException {
    MqttMessage message = new MqttMessage(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    message.setQos(0);
    client.getTopic(topic).publish(message);
  }

  /**
   * Disconnects if still connected and releases the client. The server may have closed first (the
   * tests that make it do so): then there is nothing left to end, and waiting for it would only
   * time out.
   */
  public static void closeQuietly(MqttClient client, long disconnectMillis) throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect(disconnectMillis);
      }
    } catch (MqttException e) {
      // already closed by the server
    }
    client.close(true);
  }
}
