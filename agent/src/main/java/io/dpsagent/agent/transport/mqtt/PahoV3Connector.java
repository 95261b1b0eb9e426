package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** MQTT 3.1.1, what DPS speaks, over TLS or WebSocket, with Paho's v3 client. */
final class PahoV3Connector implements MqttSession.Connector {

  private final ClientSettings settings;
  private final String serverUri;

  PahoV3Connector(ClientSettings settings) {
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
          public void connectionLost(Throwable cause) {
            listener.onConnectionLost(cause);
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            listener.onMessage(topic, message.getPayload());
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setKeepAliveInterval(60);
    options.setConnectionTimeout(settings.connectTimeoutSeconds(deadline));
    options.setSocketFactory(settings.socketFactory());
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(username);
    if (password != null) {
      options.setPassword(password.toCharArray());
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
            () -> client.close(true));
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
          settings,
          e,
          code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
              || code == MqttException.REASON_CODE_NOT_AUTHORIZED);
    }
    return session;
  }
}
