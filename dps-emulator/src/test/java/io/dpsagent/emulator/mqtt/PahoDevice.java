package io.dpsagent.emulator.mqtt;

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
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/** A DPS device over Paho MQTT 3.1.1 (TLS or WebSocket on TLS), as the SDKs drive it. */
public final class PahoDevice implements AutoCloseable {

  static final String RESPONSES = "$dps/registrations/res/#";
  static final String API_VERSION = "2019-03-31";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = PahoClients.TIMEOUT_SECONDS;

  /** A reply the emulator published. */
  record Reply(String topic, JsonNode body, int qos) {}

  private final MqttClient client;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final CountDownLatch lost = new CountDownLatch(1);

  /**
   * @param serverUri {@code ssl://localhost:PORT} or {@code wss://localhost:PORT/path}
   */
  PahoDevice(String serverUri, String clientId) throws MqttException {
    client =
        PahoClients.create(
            serverUri,
            clientId,
            (topic, message) ->
                replies.add(new Reply(topic, json(message.getPayload()), message.getQos())),
            lost);
  }

  static String username(String idScope, String registrationId) {
    return idScope
        + "/registrations/"
        + registrationId
        + "/api-version="
        + API_VERSION
        + "&ClientVersion="
        + API_VERSION;
  }

  /**
   * Connects; returns whether the server reported a session present.
   *
   * @param password the SAS token, or null for an X.509 device
   */
  boolean connect(
      SSLSocketFactory tls, String username, String password, boolean cleanSession, int keepAlive)
      throws MqttException {
    MqttConnectOptions options = PahoClients.options(tls, username, password);
    options.setCleanSession(cleanSession);
    options.setKeepAliveInterval(keepAlive);
    IMqttToken token = client.connectWithResult(options);
    return token.getSessionPresent();
  }

  boolean connect(SSLSocketFactory tls, String username, String password) throws MqttException {
    return connect(tls, username, password, true, 60);
  }

  /** Subscribes to {@code filter}; returns the granted QoS (128 = refused). */
  int subscribe(String filter, int qos) throws MqttException {
    return client.subscribeWithResponse(filter, qos).getGrantedQos()[0];
  }

  /** Publishes at QoS 1 and returns the next reply. */
  Reply request(String topic, String body) throws MqttException, InterruptedException {
    client.publish(topic, body.getBytes(StandardCharsets.UTF_8), 1, false);
    return nextReply();
  }

  Reply register(int rid, String body) throws MqttException, InterruptedException {
    return request("$dps/registrations/PUT/iotdps-register/?$rid=" + rid, body);
  }

  Reply poll(int rid, String operationId) throws MqttException, InterruptedException {
    return request(
        "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="
            + rid
            + "&operationId="
            + operationId,
        "");
  }

  Reply nextReply() throws InterruptedException {
    return PahoClients.next(replies, "reply");
  }

  /** Publishes at QoS 0 without waiting: see {@link PahoClients#publishQos0}. */
  void publishQos0(String topic, String body) throws MqttException {
    PahoClients.publishQos0(client, topic, body);
  }

  /** True if the server closed the connection within the bound. */
  boolean awaitConnectionLost() throws InterruptedException {
    return lost.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  boolean isConnected() {
    return client.isConnected();
  }

  private static JsonNode json(byte[] payload) {
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws MqttException {
    PahoClients.closeQuietly(client, 0);
  }
}
