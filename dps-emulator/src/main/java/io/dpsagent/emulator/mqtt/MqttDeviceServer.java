package io.dpsagent.emulator.mqtt;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.net.Listener;
import io.dpsagent.emulator.registry.RegistrationIdRules;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The DPS device API over MQTT on TLS, or over MQTT in WebSocket on TLS: the same protocol handler
 * behind two framings.
 */
public final class MqttDeviceServer implements AutoCloseable {

  // Register payloads are a few hundred bytes; this leaves room for a custom payload and a CSR.
  static final int MAX_PACKET_BYTES = 64 * 1024;

  private final Listener listener;

  private MqttDeviceServer(Listener listener) {
    this.listener = listener;
  }

  /** Options shared by both listeners. */
  public record Settings(
      SslContext sslContext,
      DeviceApi api,
      RequestLog requestLog,
      Mqtt5Policy mqtt5,
      Duration replyDelay) {}

  /**
   * MQTT directly on TLS (DPS: port 8883).
   *
   * @throws IOException if the address cannot be bound
   */
  public static MqttDeviceServer startTls(InetSocketAddress address, Settings settings)
      throws IOException {
    return start("dps-emulator-mqtt", address, settings, pipeline -> addMqtt(pipeline, settings));
  }

  /**
   * MQTT in binary WebSocket frames on TLS, on a port of its own (DPS serves it on 443 together
   * with HTTPS, which {@code HttpsDeviceServer} does too).
   *
   * @throws IOException if the address cannot be bound
   */
  public static MqttDeviceServer startWebSocket(InetSocketAddress address, Settings settings)
      throws IOException {
    return start(
        "dps-emulator-mqtt-ws",
        address,
        settings,
        pipeline -> {
          pipeline
              .addLast(new HttpServerCodec())
              .addLast(new HttpObjectAggregator(MAX_PACKET_BYTES));
          MqttWebSocketUpgrade.addLast(pipeline, settings);
        });
  }

  // TLS first, then the framing that carries MQTT.
  private static MqttDeviceServer start(
      String name, InetSocketAddress address, Settings settings, Consumer<ChannelPipeline> framing)
      throws IOException {
    return new MqttDeviceServer(
        Listener.start(
            name,
            address,
            channel -> {
              channel.pipeline().addLast(settings.sslContext().newHandler(channel.alloc()));
              framing.accept(channel.pipeline());
            }));
  }

  static void addMqtt(ChannelPipeline pipeline, Settings settings) {
    pipeline
        .addLast(MqttDeviceHandler.IDLE_HANDLER, MqttConnections.connectTimeout())
        .addLast(new MqttDecoder(MAX_PACKET_BYTES, RegistrationIdRules.MAX_LENGTH))
        .addLast(MqttEncoder.INSTANCE)
        .addLast(
            new MqttDeviceHandler(
                settings.api(), settings.requestLog(), settings.mqtt5(), settings.replyDelay()));
  }

  public int port() {
    return listener.port();
  }

  /** Stops listening, closes open connections and returns once the port is free. */
  @Override
  public void close() {
    listener.close();
  }
}
