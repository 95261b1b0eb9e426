package io.dpsagent.emulator.http;

import io.dpsagent.emulator.mqtt.MqttDeviceServer;
import io.dpsagent.emulator.mqtt.MqttWebSocketUpgrade;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Serves MQTT over WebSocket on the HTTPS device port, as DPS does on 443: a request asking for a
 * WebSocket upgrade turns the connection into an MQTT one; every other request goes on to the
 * device API. No device API route carries {@code Upgrade}, so the two never compete for a request.
 */
final class WebSocketUpgradeRouter extends ChannelInboundHandlerAdapter {

  private final String deviceApiHandlerName;
  private final MqttDeviceServer.Settings mqtt;

  WebSocketUpgradeRouter(String deviceApiHandlerName, MqttDeviceServer.Settings mqtt) {
    this.deviceApiHandlerName = deviceApiHandlerName;
    this.mqtt = mqtt;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof FullHttpRequest request && MqttWebSocketUpgrade.isUpgrade(request)) {
      ChannelPipeline pipeline = ctx.pipeline();
      pipeline.remove(deviceApiHandlerName);
      MqttWebSocketUpgrade.addLast(pipeline, mqtt);
      pipeline.remove(this);
    }
    ctx.fireChannelRead(message);
  }
}
