package io.dpsagent.agent.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.NoDelaySocketFactory;
import io.dpsagent.agent.transport.mqtt.PahoV3Client;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * One IoT Hub device connection over MQTT 3.1.1 on TLS, for as long as it takes to read the twin:
 * CONNECT as the device, subscribe to the twin responses, GET the twin, disconnect.
 */
record TwinClient(String host, int port, String deviceId) {

  static final String API_VERSION = "2021-04-12";
  static final String TWIN_RESPONSES = "$iothub/twin/res/#";
  private static final String RID = "1";
  private static final String TWIN_GET = "$iothub/twin/GET/?$rid=" + RID;

  /** The twin GET's answer: its status and, on 200, the twin document. */
  record TwinReply(int status, Optional<JsonNode> twin) {}

  /** What the device shows the hub: a SAS token in the password, or its TLS client certificate. */
  record Credential(Optional<char[]> sasToken, SSLSocketFactory sockets) {}

  /** The user name IoT Hub expects from a device. */
  String userName() {
    return host + "/" + deviceId + "/?api-version=" + API_VERSION;
  }

  /**
   * Connects with {@code credential} and reads the twin, all within {@code deadline}. The token's
   * characters are wiped once CONNECT is sent.
   *
   * @throws MqttException when the connection or the CONNACK failed (its reason code says which)
   * @throws Connected when the hub accepted the device but the twin did not come
   */
  TwinReply readTwin(Credential credential, Deadline deadline) throws MqttException, Connected {
    CompletableFuture<TwinReply> reply = new CompletableFuture<>();
    PahoV3Client client = new PahoV3Client("ssl://" + host + ":" + port, deviceId);
    try {
      client.setCallback(new Replies(reply));
      client.setTimeToWait(millisLeft(deadline));
      connect(client, credential, deadline);
      try {
        client.setTimeToWait(millisLeft(deadline));
        client.subscribe(TWIN_RESPONSES, 0);
        client.publish(TWIN_GET, new byte[0], 0, false);
        return reply.get(millisLeft(deadline), TimeUnit.MILLISECONDS);
      } catch (MqttException | TimeoutException | ExecutionException e) {
        throw new Connected(twinFailure(e, deadline));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Connected("interrupted while waiting for the twin");
      }
    } finally {
      release(client);
    }
  }

  private void connect(PahoV3Client client, Credential credential, Deadline deadline)
      throws MqttException {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout((int) Math.max(1, (deadline.remaining().toMillis() + 999) / 1000));
    options.setSocketFactory(new NoDelaySocketFactory(credential.sockets()));
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(userName());
    credential.sasToken().ifPresent(options::setPassword);
    try {
      client.connect(options);
    } finally {
      credential.sasToken().ifPresent(token -> Arrays.fill(token, '\0'));
    }
  }

  /** The hub accepted the device; the twin could not be read. */
  static final class Connected extends Exception {
    Connected(String message) {
      super(message, null, false, false);
    }
  }

  private static String twinFailure(Exception e, Deadline deadline) {
    if (e instanceof TimeoutException
        || e instanceof MqttException m
            && m.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
      return "no twin within " + deadline.total().toSeconds() + " s (hub.timeout_seconds)";
    }
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    return "the twin could not be read: " + cause.getMessage();
  }

  private static long millisLeft(Deadline deadline) throws MqttException {
    try {
      return deadline.millisLeft();
    } catch (HttpTimeoutException e) {
      throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
    }
  }

  private static void release(PahoV3Client client) {
    try {
      if (client.isConnected()) {
        try {
          client.disconnect(500, 1000);
        } catch (MqttException notWritten) {
          client.disconnectForcibly(0, 0, false);
        }
      }
      client.release();
    } catch (MqttException e) {
      // closing a broken connection can fail; nothing is left to release
    }
  }

  /** Completes the GET's future with the reply to its request ID. */
  private record Replies(CompletableFuture<TwinReply> reply) implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      Optional<Integer> status = TwinTopics.replyStatus(topic, RID);
      if (status.isEmpty()) {
        return;
      }
      try {
        reply.complete(
            new TwinReply(
                status.get(),
                status.get() == 200
                    ? Optional.of(JsonTrees.parse(message.getPayload()))
                    : Optional.empty()));
      } catch (IOException e) {
        reply.completeExceptionally(new IOException("the twin is not JSON"));
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      reply.completeExceptionally(
          new IOException("the hub closed the connection: " + cause.getMessage()));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  /** The desired properties of a twin document, if it has them as an object. */
  static Optional<ObjectNode> desired(JsonNode twin) {
    JsonNode desired = twin.path("desired");
    return desired.isObject() ? Optional.of((ObjectNode) desired) : Optional.empty();
  }
}
