package io.dpsagent.emulator.mqtt;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Turns an HTTP/1.1 pipeline (TLS, {@code HttpServerCodec}, {@code HttpObjectAggregator}) into MQTT
 * over WebSocket: the handshake, then MQTT in binary frames. The separate WebSocket listener and
 * the HTTPS device listener (which upgrades in place, as DPS serves both on 443) share it.
 *
 * <p>The upgrade is accepted on any path: Node, C and C# ask for {@code /$iothub/websocket}, the
 * Java SDK 2.1.3 leaves its URI without a path and Paho then asks for {@code /mqtt}.
 */
public final class MqttWebSocketUpgrade {

  // Sub-protocols are checked (case-insensitively) by MqttSubprotocolFilter; "*" echoes the offer.
  private static final String ANY_SUBPROTOCOL = "*";

  private MqttWebSocketUpgrade() {}

  /** Whether {@code request} asks to become a WebSocket ({@code Upgrade: websocket}, any case). */
  public static boolean isUpgrade(FullHttpRequest request) {
    return request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /**
   * Appends the handshake, the frame adapters and the MQTT device protocol to {@code pipeline},
   * which must end with the HTTP codec and aggregator.
   */
  public static void addLast(ChannelPipeline pipeline, MqttDeviceServer.Settings settings) {
    WebSocketServerProtocolConfig webSocket =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/")
            .checkStartsWith(true)
            .subprotocols(ANY_SUBPROTOCOL)
            .maxFramePayloadLength(MqttDeviceServer.MAX_PACKET_BYTES)
            .build();
    pipeline
        .addLast(new MqttSubprotocolFilter())
        .addLast(new WebSocketServerProtocolHandler(webSocket))
        .addLast(new WebSocketFrames.Decoder())
        .addLast(new WebSocketFrames.Encoder());
    MqttDeviceServer.addMqtt(pipeline, settings);
  }
}
