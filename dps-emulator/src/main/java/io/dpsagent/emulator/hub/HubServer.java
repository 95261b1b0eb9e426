package io.dpsagent.emulator.hub;

import io.dpsagent.emulator.net.Listener;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * One emulated IoT hub's MQTT endpoint on TLS (IoT Hub: port 8883). Each hub listens on an address
 * of its own, so that an unmodified SDK reaches it through the host name DPS assigned.
 */
public final class HubServer implements AutoCloseable {

  // Twin documents are at most 32 KiB in IoT Hub; telemetry messages at most 256 KiB.
  private static final int MAX_PACKET_BYTES = 256 * 1024 + 1024;
  private static final int MAX_CLIENT_ID_LENGTH = 128;

  private final Listener listener;
  private final HubState state;

  private HubServer(Listener listener, HubState state) {
    this.listener = listener;
    this.state = state;
  }

  /**
   * What a hub needs to run.
   *
   * @param sslContext the server identity; it must request (not require) a client certificate, so
   *     that X.509 and SAS devices share the port
   * @param clockSkew how long after its expiry a SAS token is still accepted
   */
  public record Settings(
      SslContext sslContext, HubDirectory directory, Duration clockSkew, Clock clock) {}

  /**
   * Listens for the hub {@code state.hostName()} on {@code address} (port 0 picks a free one).
   *
   * @throws IOException if the address cannot be bound
   */
  public static HubServer start(InetSocketAddress address, HubState state, Settings settings)
      throws IOException {
    HubAuthenticator authenticator =
        new HubAuthenticator(state.hostName(), settings.directory(), settings.clockSkew());
    Listener listener =
        Listener.start(
            "dps-emulator-hub",
            address,
            channel ->
                channel
                    .pipeline()
                    .addLast(settings.sslContext().newHandler(channel.alloc()))
                    .addLast(HubMqttHandler.IDLE_HANDLER, HubMqttHandler.connectTimeout())
                    .addLast(new MqttDecoder(MAX_PACKET_BYTES, MAX_CLIENT_ID_LENGTH))
                    .addLast(MqttEncoder.INSTANCE)
                    .addLast(new HubMqttHandler(authenticator, state, settings.clock())));
    return new HubServer(listener, state);
  }

  public HubState state() {
    return state;
  }

  public int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }
}
