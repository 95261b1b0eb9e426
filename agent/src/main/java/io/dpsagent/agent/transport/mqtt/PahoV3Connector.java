package io.dpsagent.agent.transport.mqtt;

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
  public MqttSession connect(String username, String password, MqttSession.Listener listener) throws IOException {
    MqttClient client;
    try {
      client = new MqttClient(serverUri, settings.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new IOException("invalid MQTT server URI " + serverUri, e);
    }
    client.setTimeToWait(settings.requestTimeout().toMillis());
    client.setCallback(new MqttCallback() {
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
    options.setConnectionTimeout(settings.connectTimeoutSeconds());
    options.setSocketFactory(settings.socketFactory());
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(username);
    if (password != null) {
      options.setPassword(password.toCharArray());
    }
    try {
      client.connect(options);
      client.subscribe(DpsTopics.REPLY_FILTER, 1);
    } catch (MqttException e) {
      close(client);
      int code = e.getReasonCode();
      throw PahoErrors.translate(serverUri, e,
          code == MqttException.REASON_CODE_FAILED_AUTHENTICATION || code == MqttException.REASON_CODE_NOT_AUTHORIZED);
    }
    return new Session(client);
  }

  private static void close(MqttClient client) {
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(1000, 1000);
      }
      client.close(true);
    } catch (MqttException e) {
      // closing a broken client can fail; nothing is left to release
    }
  }

  private final class Session implements MqttSession {
    private final MqttClient client;

    Session(MqttClient client) {
      this.client = client;
    }

    @Override
    public boolean isConnected() {
      return client.isConnected();
    }

    @Override
    public void publish(String topic, byte[] payload) throws IOException {
      try {
        client.publish(topic, payload, 1, false);
      } catch (MqttException e) {
        throw PahoErrors.translate(serverUri, e, false);
      }
    }

    @Override
    public void close() {
      PahoV3Connector.close(client);
    }
  }
}
