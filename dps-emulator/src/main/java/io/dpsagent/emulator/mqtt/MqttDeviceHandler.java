package io.dpsagent.emulator.mqtt;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.DeviceError;
import io.dpsagent.emulator.device.DeviceReply;
import io.dpsagent.emulator.device.DeviceRequest;
import io.dpsagent.emulator.device.DeviceTransport;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.tls.ClientCertificates;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One device's MQTT connection to DPS: CONNECT, SUBSCRIBE to the response topic, then register and
 * poll publishes, each answered through the transport-neutral {@link DeviceApi}.
 *
 * <p>Credentials are not checked at CONNECT: like DPS, the emulator accepts the connection and
 * answers every request of a device with a bad SAS token or certificate on {@code res/401}. CONNECT
 * is refused only when it cannot belong to a DPS device at all (see {@link #onConnect}).
 *
 * <p>It is a little over 300 lines because it holds one connection's protocol state (connected,
 * subscribed, packet IDs, keep-alive), one short method per packet type; splitting it would spread
 * that state over classes. Topics, usernames and the MQTT 5 policy are classes of their own.
 */
final class MqttDeviceHandler extends SimpleChannelInboundHandler<MqttMessage> {

  static final String IDLE_HANDLER = "mqtt-idle";
  static final String REQUEST_METHOD = "MQTT PUBLISH";

  private static final Logger LOG = Logger.getLogger(MqttDeviceHandler.class.getName());
  // The codec keeps the connection's protocol level under this name; the encoder writes by it.
  private static final AttributeKey<MqttVersion> PROTOCOL_LEVEL =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
  private static final int MAX_PACKET_ID = 0xFFFF;

  private final DeviceApi api;
  private final RequestLog requestLog;
  private final Mqtt5Policy mqtt5;
  private final Duration replyDelay;

  private DeviceRequest device;
  private MqttQoS replyQos = MqttQoS.AT_LEAST_ONCE;
  private int lastPacketId;

  MqttDeviceHandler(DeviceApi api, RequestLog requestLog, Mqtt5Policy mqtt5, Duration replyDelay) {
    this.api = api;
    this.requestLog = requestLog;
    this.mqtt5 = mqtt5;
    this.replyDelay = replyDelay;
  }

  /** How long a new connection may take to send CONNECT. */
  static IdleStateHandler connectTimeout() {
    return new IdleStateHandler(30, 0, 0, TimeUnit.SECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
    if (message.decoderResult().isFailure()) {
      onMalformed(ctx, message.decoderResult().cause());
      return;
    }
    boolean connect = message instanceof MqttConnectMessage;
    if (connect && device != null) {
      disconnect(ctx, "second CONNECT");
      return;
    }
    if (!connect && device == null) {
      disconnect(ctx, "no CONNECT before " + type(message));
      return;
    }
    switch (message.fixedHeader().messageType()) {
      case CONNECT -> onConnect(ctx, (MqttConnectMessage) message);
      case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) message);
      case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) message);
      case PUBLISH -> onPublish(ctx, (MqttPublishMessage) message);
      case PUBACK -> {
        // The device acknowledging a reply: nothing is redelivered, so nothing to track.
      }
      case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
      case DISCONNECT -> ctx.close();
      default -> disconnect(ctx, "unexpected " + type(message));
    }
  }

  /**
   * Accepts any clean-session flag and keep-alive (DPS keeps no sessions, so session-present is
   * always 0). Refuses an MQTT 5 CONNECT unless enabled, a user name without the DPS shape (bad
   * user name or password) and a ClientId other than the user name's registration ID (identifier
   * rejected).
   */
  private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
    MqttVersion version = ctx.channel().attr(PROTOCOL_LEVEL).get();
    boolean v5 = version == MqttVersion.MQTT_5;
    if (version == MqttVersion.MQTT_3_1 || (v5 && mqtt5 == Mqtt5Policy.REJECT)) {
      refuseAs311(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    String clientId = connect.payload().clientIdentifier();
    Optional<MqttUsername> username =
        Optional.ofNullable(connect.payload().userName()).flatMap(MqttUsername::parse);
    if (username.isEmpty()) {
      refuse(
          ctx,
          v5
              ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
              : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
      return;
    }
    if (!username.get().registrationId().equalsIgnoreCase(clientId)) {
      refuse(
          ctx,
          v5
              ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
              : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
      return;
    }
    byte[] password = connect.payload().passwordInBytes();
    device =
        new DeviceRequest(
            username.get().idScope(),
            clientId,
            username.get().apiVersion(),
            Optional.ofNullable(password).map(bytes -> new String(bytes, StandardCharsets.UTF_8)),
            ClientCertificates.of(ctx.channel()),
            DeviceTransport.MQTT);
    enforceKeepAlive(ctx, connect.variableHeader().keepAliveTimeSeconds());
    ctx.writeAndFlush(
        MqttMessageBuilders.connAck()
            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(false)
            .build());
    LOG.info(() -> "MQTT CONNECT " + clientId + " (" + version + ")");
  }

  // MQTT: a server closes a connection that stays silent for 1.5 times the keep-alive; 0 disables.
  private static void enforceKeepAlive(ChannelHandlerContext ctx, int keepAliveSeconds) {
    if (keepAliveSeconds == 0) {
      ctx.pipeline().remove(IDLE_HANDLER);
    } else {
      ctx.pipeline()
          .replace(
              IDLE_HANDLER,
              IDLE_HANDLER,
              new IdleStateHandler(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
    }
  }

  /** Only the response topic exists; QoS 2 is granted as 1, as DPS does. */
  private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
    MqttMessageBuilders.SubAckBuilder subAck =
        MqttMessageBuilders.subAck()
            .packetId(subscribe.idAndPropertiesVariableHeader().messageId());
    for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
      if (subscription.topicFilter().equals(DpsTopic.RESPONSE_FILTER)) {
        MqttQoS requested = subscription.qualityOfService();
        replyQos = requested == MqttQoS.AT_MOST_ONCE ? requested : MqttQoS.AT_LEAST_ONCE;
        subAck.addGrantedQos(replyQos);
      } else {
        subAck.addGrantedQos(MqttQoS.FAILURE);
      }
    }
    ctx.writeAndFlush(subAck.build());
  }

  private static void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
    MqttMessageBuilders.UnsubAckBuilder unsubAck =
        MqttMessageBuilders.unsubAck()
            .packetId(unsubscribe.idAndPropertiesVariableHeader().messageId());
    // MQTT 5 wants one reason code per filter; the 3.1.1 encoder ignores them.
    unsubscribe.payload().topics().forEach(topic -> unsubAck.addReasonCode((short) 0));
    ctx.writeAndFlush(unsubAck.build());
  }

  /**
   * Acknowledges a QoS 1 request before answering it: a strict client (C# v1) fails when the reply
   * arrives first. Both go through the same ordered channel, so writing them in this order puts
   * them on the wire in this order. The request takes effect at once; only the reply waits out the
   * configured delay.
   */
  private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
    Instant receivedAt = Instant.now();
    String topic = publish.variableHeader().topicName();
    MqttQoS qos = publish.fixedHeader().qosLevel();
    Optional<DpsTopic> request = DpsTopic.parse(topic);
    if (request.isEmpty() || qos == MqttQoS.EXACTLY_ONCE) {
      disconnect(ctx, request.isEmpty() ? "PUBLISH to unknown topic " + topic : "QoS 2 PUBLISH");
      return;
    }
    if (qos == MqttQoS.AT_LEAST_ONCE) {
      ctx.write(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
    }
    DeviceReply reply = answer(request.get(), ByteBufUtil.getBytes(publish.content()));
    boolean unanswered = reply.dropConnection() || reply.withheld();
    int status = unanswered ? 0 : reply.status();
    requestLog.add(new RequestLog.Entry(REQUEST_METHOD, topic, status), device, reply, receivedAt);
    String injected = reply.fault().map(fault -> " (injected fault " + fault + ")").orElse("");
    LOG.info(() -> REQUEST_METHOD + " " + topic + " -> " + status + injected);
    if (unanswered) {
      ctx.flush();
      if (reply.dropConnection()) {
        ctx.close();
      }
      return;
    }
    String replyTopic = request.get().replyTopic(reply.status(), reply.retryAfterSeconds());
    MqttPublishMessage replyMessage =
        MqttMessageBuilders.publish()
            .topicName(replyTopic)
            .qos(replyQos)
            .retained(false)
            .messageId(nextPacketId())
            .payload(Unpooled.wrappedBuffer(reply.bodyBytes()))
            .build();
    Duration wait = replyDelay.plus(reply.delay());
    if (wait.isZero()) {
      ctx.writeAndFlush(replyMessage);
    } else {
      ctx.flush();
      // Runs on the channel's event loop, so replies keep their order; a closed channel drops it.
      ctx.executor()
          .schedule(() -> ctx.writeAndFlush(replyMessage), wait.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private DeviceReply answer(DpsTopic request, byte[] body) {
    return switch (request.kind()) {
      case REGISTER -> api.register(device, body);
      case POLL ->
          request
              .operationId()
              .map(operationId -> api.poll(device, operationId))
              .orElseGet(() -> api.error(DeviceError.MALFORMED_REQUEST));
    };
  }

  private int nextPacketId() {
    lastPacketId = lastPacketId == MAX_PACKET_ID ? 1 : lastPacketId + 1;
    return lastPacketId;
  }

  private void onMalformed(ChannelHandlerContext ctx, Throwable cause) {
    if (device == null && cause instanceof MqttUnacceptableProtocolVersionException) {
      refuseAs311(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
    } else if (device == null && cause instanceof MqttIdentifierRejectedException) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
    } else {
      disconnect(ctx, "malformed packet: " + cause.getMessage());
    }
  }

  // A client that asked for a protocol level the server does not speak gets the 3.1.1 answer,
  // which is what an MQTT 3.1.1-only server sends (MQTT 3.1.1 section 3.1.2.2).
  private static void refuseAs311(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    ctx.channel().attr(PROTOCOL_LEVEL).set(MqttVersion.MQTT_3_1_1);
    refuse(ctx, code);
  }

  private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    LOG.info(() -> "MQTT CONNECT refused: " + code);
    ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static void disconnect(ChannelHandlerContext ctx, String reason) {
    LOG.info(() -> "MQTT disconnecting " + ctx.channel().remoteAddress() + ": " + reason);
    ctx.close();
  }

  private static String type(MqttMessage message) {
    return String.valueOf(message.fixedHeader().messageType());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      disconnect(ctx, device == null ? "no CONNECT in time" : "keep-alive expired");
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Mostly failed TLS handshakes and peers that hang up; nothing a device needs answered.
    LOG.log(Level.FINE, "Closing MQTT connection from " + ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
