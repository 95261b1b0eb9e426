package io.dpsagent.emulator.mqtt;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.DeviceError;
import io.dpsagent.emulator.device.DeviceReply;
import io.dpsagent.emulator.device.DeviceRequest;
import io.dpsagent.emulator.device.DeviceTransport;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.tls.ClientCertificates;
import io.netty.buffer.ByteBufUtil;
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
 * <p>It holds one connection's protocol state (connected, subscribed, packet IDs), one short method
 * per packet type; splitting it would spread that state over classes. Topics, usernames, the MQTT 5
 * policy and what every MQTT server connection does ({@link MqttConnections}) are classes of their
 * own.
 */
final class MqttDeviceHandler extends SimpleChannelInboundHandler<MqttMessage> {

  static final String IDLE_HANDLER = "mqtt-idle";
  static final String REQUEST_METHOD = "MQTT PUBLISH";

  private static final Logger LOG = Logger.getLogger(MqttDeviceHandler.class.getName());

  private final DeviceApi api;
  private final RequestLog requestLog;
  private final Mqtt5Policy mqtt5;
  private final Duration replyDelay;

  private DeviceRequest device;
  private MqttQoS replyQos = MqttQoS.AT_LEAST_ONCE;
  private final MqttConnections.PacketIds packetIds = new MqttConnections.PacketIds();

  MqttDeviceHandler(DeviceApi api, RequestLog requestLog, Mqtt5Policy mqtt5, Duration replyDelay) {
    this.api = api;
    this.requestLog = requestLog;
    this.mqtt5 = mqtt5;
    this.replyDelay = replyDelay;
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
    MqttVersion version = MqttConnections.protocolLevel(ctx);
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
    MqttConnections.accept(ctx, IDLE_HANDLER, connect.variableHeader().keepAliveTimeSeconds());
    LOG.info(() -> "MQTT CONNECT " + clientId + " (" + version + ")");
  }

  /** Only the response topic exists; QoS 2 is granted as 1, as DPS does. */
  private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
    MqttMessageBuilders.SubAckBuilder subAck =
        MqttMessageBuilders.subAck()
            .packetId(subscribe.idAndPropertiesVariableHeader().messageId());
    for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
      if (subscription.topicFilter().equals(DpsTopic.RESPONSE_FILTER)) {
        replyQos = MqttConnections.granted(subscription.qualityOfService());
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
    MqttConnections.acknowledge(ctx, publish);
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
        MqttConnections.publish(replyTopic, replyQos, packetIds.next(), reply.bodyBytes());
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

  private void onMalformed(ChannelHandlerContext ctx, Throwable cause) {
    if (device == null && cause instanceof MqttUnacceptableProtocolVersionException) {
      refuseAs311(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
    } else if (device == null && cause instanceof MqttIdentifierRejectedException) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
    } else {
      disconnect(ctx, "malformed packet: " + cause.getMessage());
    }
  }

  // A client that asked for a protocol level the server does not speak gets the 3.1.1 answer.
  private static void refuseAs311(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    MqttConnections.answerAs311(ctx);
    refuse(ctx, code);
  }

  private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    LOG.info(() -> "MQTT CONNECT refused: " + code);
    MqttConnections.refuse(ctx, code);
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
