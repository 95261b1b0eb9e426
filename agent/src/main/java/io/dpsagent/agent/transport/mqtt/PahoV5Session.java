package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.internal.CommsCallback;
import org.eclipse.paho.mqttv5.client.internal.CommsReceiver;
import org.eclipse.paho.mqttv5.client.internal.CommsSender;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** MQTT 5 with Paho's v5 client, for endpoints that speak it (opt-in: DPS itself speaks 3.1.1). */
final class PahoV5Session extends PahoSession {

  /** CONNACK reason codes that mean "your credentials are not accepted". */
  private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;

  private static final int NOT_AUTHORIZED = 0x87;

  /** Paho's v5 loops, whose start {@link PahoThreads} watches. */
  private static final List<PahoThreads.Loop<?>> LOOPS =
      List.of(
          new PahoThreads.Loop<>(CommsReceiver.class, CommsReceiver::isRunning),
          new PahoThreads.Loop<>(CommsSender.class, CommsSender::isRunning),
          new PahoThreads.Loop<>(CommsCallback.class, CommsCallback::isRunning));

  private final Client client;
  private final MqttConnectionOptions options;

  private PahoV5Session(ClientSettings settings, Client client, MqttConnectionOptions options) {
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
    Client client;
    try {
      client = new Client(settings.serverUri(), settings.clientId());
    } catch (MqttException e) {
      throw settings.invalidUri(e);
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
    options.setKeepAliveInterval(ClientSettings.KEEP_ALIVE_SECONDS);
    options.setConnectionTimeout(settings.connectTimeoutSeconds(deadline));
    options.setSocketFactory(settings.socketFactory());
    options.setHttpsHostnameVerificationEnabled(true);
    options.setUserName(username);
    if (password != null) {
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    return new PahoV5Session(settings, client, options).open(deadline);
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
    try {
      client.close();
    } finally {
      client.threads.shutdown();
    }
  }

  @Override
  boolean refusedCredentials(Exception e) {
    int code = e instanceof MqttException m ? m.getReasonCode() : -1;
    return code == BAD_USER_NAME_OR_PASSWORD || code == NOT_AUTHORIZED;
  }

  /**
   * Paho's synchronous client on threads of its own ({@link PahoThreads}), with a disconnect that
   * returns once DISCONNECT is written (the client's own waits without a bound).
   */
  private static final class Client extends MqttClient {
    static {
      PahoLog.install();
    }

    private final PahoThreads threads;

    private Client(String serverUri, String clientId, PahoThreads threads) throws MqttException {
      super(serverUri, clientId, new MemoryPersistence(), threads);
      this.threads = threads;
    }

    Client(String serverUri, String clientId) throws MqttException {
      this(serverUri, clientId, new PahoThreads("mqtt5 " + clientId, LOOPS));
    }

    void disconnect(long quiesceMillis, long sentMillis) throws MqttException {
      aClient
          .disconnect(quiesceMillis, null, null, 0, new MqttProperties())
          .waitForCompletion(sentMillis);
    }
  }
}
