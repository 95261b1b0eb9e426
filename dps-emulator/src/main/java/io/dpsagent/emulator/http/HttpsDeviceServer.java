package io.dpsagent.emulator.http;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.mqtt.MqttDeviceServer;
import io.dpsagent.emulator.net.Listener;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The DPS device API over HTTPS (HTTP/1.1 on TLS 1.2/1.3), served by Netty, and on the same port
 * MQTT over WebSocket, as DPS serves both on 443.
 */
public final class HttpsDeviceServer implements AutoCloseable {

  // Register bodies are a few hundred bytes; a TPM registration with EK and SRK stays under 2 KiB.
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String DEVICE_API_HANDLER = "device-api";

  private final Listener listener;

  private HttpsDeviceServer(Listener listener) {
    this.listener = listener;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one) until {@link #close()}; a WebSocket
   * upgrade becomes an MQTT connection served with {@code mqtt}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpsDeviceServer start(
      InetSocketAddress address,
      SslContext sslContext,
      DeviceApi api,
      RequestLog requestLog,
      MqttDeviceServer.Settings mqtt)
      throws IOException {
    DeviceApiHandler handler = new DeviceApiHandler(api, requestLog);
    return new HttpsDeviceServer(
        HttpsListener.start(
            address,
            sslContext,
            pipeline ->
                pipeline
                    .addLast(new WebSocketUpgradeRouter(DEVICE_API_HANDLER, mqtt))
                    .addLast(DEVICE_API_HANDLER, handler),
            MAX_BODY_BYTES,
            "dps-emulator-https"));
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
