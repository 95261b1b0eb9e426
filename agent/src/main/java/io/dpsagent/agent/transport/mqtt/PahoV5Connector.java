package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** MQTT 5 with Paho's v5 client, for endpoints that speak it (opt-in: DPS itself speaks 3.1.1). */
final class PahoV5Connector implements MqttSession.Connector {

  /** CONNACK reason codes that mean "your credentials are not accepted". */
  private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;

  private static final int NOT_AUTHORIZED = 0x87;

  private final ClientSettings settings;
  private final String serverUri;

  PahoV5Connector(ClientSettings settings) {
    this.settings = settings;
    this.serverUri = settings.serverUri();
  }

  @Override
  public String serverUri() {
    return serverUri;
  }

  @Override
  public MqttSession connect(
      String username, String password, MqttSession.Listener listener, Deadline deadline)
      throws IOException {
    MqttClient client;
    try {
      client = new MqttClient(serverUri, settings.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new IOException("invalid MQTT server URI " + serverUri, e);
    }
    client.setCallback(
        new MqttCallback() {
          @Override
          public void disconnected(MqttDisconnectResponse response) {
            listener.onConnectionLost(response.getException());
          }

          @Override
          public void mqttErrorOccurred(MqttException exception) {
            listener.onConnectionLost(exception);
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            listener.onMessage(topic, message.getPayload());
          }

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setAutomaticReconnect(false);
    options.setKeepAliveInterval(60);
    options.setConnectionTimeout(settings.connectTimeoutSeconds(deadline));
    options.setSocketFactory(settings.socketFactory());
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(username);
    if (password != null) {
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    PahoSession session =
        new PahoSession(
            serverUri,
            client::isConnected,
            (topic, payload, timeoutMillis) -> {
              client.setTimeToWait(timeoutMillis);
              client.publish(topic, payload, 1, false);
            },
            client::disconnectForcibly,
            client::close);
    try {
      client.setTimeToWait(deadline.millisLeft());
      client.connect(options);
      client.setTimeToWait(deadline.millisLeft());
      client.subscribe(DpsTopics.REPLY_FILTER, 1);
    } catch (IOException e) {
      session.close();
      throw e;
    } catch (MqttException e) {
      session.close();
      int code = e.getReasonCode();
      throw PahoErrors.connectFailed(
          settings, e, code == BAD_USER_NAME_OR_PASSWORD || code == NOT_AUTHORIZED);
    }
    return session;
  }
}
