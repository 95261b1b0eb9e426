package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** MQTT 3.1.1, what DPS speaks, over TLS or WebSocket, with Paho's v3 client. */
final class PahoV3Session extends PahoSession {

  private final PahoV3Client client;
  private final MqttConnectOptions options;

  private PahoV3Session(ClientSettings settings, PahoV3Client client, MqttConnectOptions options) {
    super(settings);
    this.client = client;
    this.options = options;
  }

  /** Connects with {@code settings}, a new client for each connection attempt. */
  static MqttSession.Connector connector(ClientSettings settings) {
    return (username, password, listener, deadline) ->
        connect(settings, username, password, listener, deadline);
  }

  private static MqttSession connect(
      ClientSettings settings,
      String username,
      String password,
      MqttSession.Listener listener,
      Deadline deadline)
      throws IOException {
    PahoV3Client client;
    try {
      client = new PahoV3Client(settings.serverUri(), settings.clientId());
    } catch (MqttException e) {
      throw settings.invalidUri(e);
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
    options.setKeepAliveInterval(ClientSettings.KEEP_ALIVE_SECONDS);
    options.setConnectionTimeout(settings.connectTimeoutSeconds(deadline));
    options.setSocketFactory(settings.socketFactory());
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(username);
    if (password != null) {
      options.setPassword(password.toCharArray());
    }
    return new PahoV3Session(settings, client, options).open(deadline);
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  void setTimeToWait(long millis) throws MqttException {
    client.setTimeToWait(millis);
  }

  @Override
  void connectClient() throws MqttException {
    client.connect(options);
  }

  @Override
  void subscribe(String filter) throws MqttException {
    client.subscribe(filter, 1);
  }

  @Override
  void publishClient(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false);
  }

  @Override
  void disconnect(long quiesceMillis, long sentMillis) throws MqttException {
    client.disconnect(quiesceMillis, sentMillis);
  }

  @Override
  void dropConnection() throws MqttException {
    client.disconnectForcibly(0, 0, false);
  }

  @Override
  void release() throws MqttException {
    client.release();
  }

  @Override
  boolean refusedCredentials(Exception e) {
    int code = e instanceof MqttException m ? m.getReasonCode() : -1;
    return code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
        || code == MqttException.REASON_CODE_NOT_AUTHORIZED;
  }
}
