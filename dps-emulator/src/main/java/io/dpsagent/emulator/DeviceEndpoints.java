package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.http.HttpsDeviceServer;
import io.dpsagent.emulator.mqtt.MqttDeviceServer;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The listening device servers, in start order, and the endpoints they serve. */
record DeviceEndpoints(List<AutoCloseable> servers, URI https, URI mqtt, URI mqttWebSocket) {

  static final String WEBSOCKET_PATH = "/$iothub/websocket";

  /**
   * Starts HTTPS (which also serves MQTT over WebSocket), MQTT and, if configured, a separate MQTT
   * over WebSocket port; on failure, closes those already started. {@link #mqttWebSocket()} names
   * the separate port if there is one, else the HTTPS port.
   */
  static DeviceEndpoints start(
      EmulatorConfig.DeviceListeners config, SslContext tls, DeviceApi api, RequestLog requestLog)
      throws IOException {
    InetAddress bind = InetAddress.getByName(config.bindAddress());
    String host = UriHosts.bracketed(config.host());
    MqttDeviceServer.Settings mqtt =
        new MqttDeviceServer.Settings(
            tls, api, requestLog, config.mqtt5(), config.mqttReplyDelay());
    List<AutoCloseable> started = new ArrayList<>();
    try {
      HttpsDeviceServer https =
          HttpsDeviceServer.start(
              new InetSocketAddress(bind, config.httpsPort()), tls, api, requestLog, mqtt);
      started.add(https);
      MqttDeviceServer mqttTls =
          MqttDeviceServer.startTls(new InetSocketAddress(bind, config.mqttPort()), mqtt);
      started.add(mqttTls);
      int webSocketPort = https.port();
      if (config.mqttWebSocketPort().isPresent()) {
        MqttDeviceServer mqttWs =
            MqttDeviceServer.startWebSocket(
                new InetSocketAddress(bind, config.mqttWebSocketPort().getAsInt()), mqtt);
        started.add(mqttWs);
        webSocketPort = mqttWs.port();
      }
      return new DeviceEndpoints(
          List.copyOf(started),
          URI.create("https://" + host + ":" + https.port()),
          URI.create("mqtts://" + host + ":" + mqttTls.port()),
          URI.create("wss://" + host + ":" + webSocketPort + WEBSOCKET_PATH));
    } catch (IOException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  void close() {
    closeAll(servers);
  }

  private static void closeAll(List<AutoCloseable> servers) {
    for (AutoCloseable server : servers) {
      try {
        server.close();
      } catch (Exception e) {
        // Each server releases its port in close() and throws nothing checked; keep closing.
      }
    }
  }
}
