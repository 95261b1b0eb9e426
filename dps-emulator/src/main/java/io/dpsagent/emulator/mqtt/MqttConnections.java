package io.dpsagent.emulator.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;

/**
 * The server side of an MQTT connection as DPS and IoT Hub both handle it: CONNACK, keep-alive, the
 * QoS granted and acknowledged, the server's own PUBLISHes. Neither keeps sessions, so
 * session-present is always 0.
 */
public final class MqttConnections {

  // The codec keeps the connection's protocol level under this name; the encoder writes by it.
  private static final AttributeKey<MqttVersion> PROTOCOL_LEVEL =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  private MqttConnections() {}

  /** How long a new connection may take to send CONNECT. */
  public static IdleStateHandler connectTimeout() {
    return new IdleStateHandler(30, 0, 0, TimeUnit.SECONDS);
  }

  /** The protocol level the connection's CONNECT asked for. */
  public static MqttVersion protocolLevel(ChannelHandlerContext ctx) {
    return ctx.channel().attr(PROTOCOL_LEVEL).get();
  }

  /**
   * Makes the encoder write MQTT 3.1.1 from now on: the answer a 3.1.1-only server gives a client
   * that asked for a level it does not speak (MQTT 3.1.1 section 3.1.2.2).
   */
  public static void answerAs311(ChannelHandlerContext ctx) {
    ctx.channel().attr(PROTOCOL_LEVEL).set(MqttVersion.MQTT_3_1_1);
  }

  /**
   * Accepts CONNECT and replaces the connect timeout (the pipeline's {@code idleHandler}) by the
   * keep-alive: a server closes a connection that stays silent for 1.5 times the keep-alive; 0
   * disables it.
   */
  public static void accept(ChannelHandlerContext ctx, String idleHandler, int keepAliveSeconds) {
    if (keepAliveSeconds == 0) {
      ctx.pipeline().remove(idleHandler);
    } else {
      ctx.pipeline()
          .replace(
              idleHandler,
              idleHandler,
              new IdleStateHandler(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
    }
    ctx.writeAndFlush(
        MqttMessageBuilders.connAck()
            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(false)
            .build());
  }

  /** Refuses CONNECT with {@code code} and closes the connection once that is written. */
  public static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** The QoS granted for a subscription: QoS 2 is granted as 1. */
  public static MqttQoS granted(MqttQoS requested) {
    return requested == MqttQoS.AT_MOST_ONCE ? requested : MqttQoS.AT_LEAST_ONCE;
  }

  /** Writes (without flushing) the PUBACK a QoS 1 {@code publish} wants; nothing for QoS 0. */
  public static void acknowledge(ChannelHandlerContext ctx, MqttPublishMessage publish) {
    if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      ctx.write(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
    }
  }

  /** A PUBLISH from the server, never retained. */
  public static MqttPublishMessage publish(String topic, MqttQoS qos, int packetId, byte[] body) {
    return MqttMessageBuilders.publish()
        .topicName(topic)
        .qos(qos)
        .retained(false)
        .messageId(packetId)
        .payload(Unpooled.wrappedBuffer(body))
        .build();
  }

  /** The packet IDs of one connection's server PUBLISHes: 1 to 65535, then round again. */
  public static final class PacketIds {

    private static final int MAX_PACKET_ID = 0xFFFF;

    private int last;

    public int next() {
      last = last == MAX_PACKET_ID ? 1 : last + 1;
      return last;
    }
  }
}
