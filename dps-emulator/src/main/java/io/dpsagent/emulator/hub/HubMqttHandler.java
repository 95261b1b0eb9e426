package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.mqtt.MqttConnections;
import io.dpsagent.emulator.tls.ClientCertificates;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One device's MQTT 3.1.1 connection to an emulated IoT hub: CONNECT checked against the identity
 * DPS created, then twin GET and reported PATCH on {@code $iothub/twin/...}, desired-property
 * updates pushed, telemetry counted. A PUBLISH to any other topic closes the connection, as IoT Hub
 * does.
 */
final class HubMqttHandler extends SimpleChannelInboundHandler<MqttMessage> implements HubSession {

  static final String IDLE_HANDLER = "hub-idle";

  private static final Logger LOG = Logger.getLogger(HubMqttHandler.class.getName());

  private final HubAuthenticator authenticator;
  private final HubState state;
  private final Clock clock;

  private ChannelHandlerContext context;
  private HubDevice device;
  private boolean twinResponses;
  private boolean desiredUpdates;
  private final MqttConnections.PacketIds packetIds = new MqttConnections.PacketIds();

  HubMqttHandler(HubAuthenticator authenticator, HubState state, Clock clock) {
    this.authenticator = authenticator;
    this.state = state;
    this.clock = clock;
  }

  static IdleStateHandler connectTimeout() {
    return MqttConnections.connectTimeout();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
    if (message.decoderResult().isFailure()) {
      refuseOrClose(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    boolean connect = message instanceof MqttConnectMessage;
    if (connect == (device != null)) {
      ctx.close(); // a second CONNECT, or anything before the first
      return;
    }
    switch (message.fixedHeader().messageType()) {
      case CONNECT -> onConnect(ctx, (MqttConnectMessage) message);
      case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) message);
      case PUBLISH -> onPublish(ctx, (MqttPublishMessage) message);
      case PUBACK -> {
        // Pushed updates are QoS 0; nothing to track.
      }
      case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
      default -> ctx.close();
    }
  }

  private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
    if (MqttConnections.protocolLevel(ctx) != MqttVersion.MQTT_3_1_1) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    HubAuthenticator.Decision decision =
        authenticator.decide(
            connect.payload().clientIdentifier(),
            connect.payload().userName(),
            connect.payload().passwordInBytes(),
            ClientCertificates.of(ctx.channel()),
            clock.instant());
    if (decision.device().isEmpty()) {
      refuse(ctx, decision.refusal());
      return;
    }
    device = decision.device().get();
    state.opened(device.deviceId(), this);
    MqttConnections.accept(ctx, IDLE_HANDLER, connect.variableHeader().keepAliveTimeSeconds());
    LOG.info(() -> "hub " + state.hostName() + ": CONNECT " + device.deviceId());
  }

  private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
    MqttMessageBuilders.SubAckBuilder subAck =
        MqttMessageBuilders.subAck()
            .packetId(subscribe.idAndPropertiesVariableHeader().messageId());
    for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
      String filter = subscription.topicFilter();
      if (HubTopics.isSubscribable(filter, device.deviceId())) {
        twinResponses |= filter.equals(HubTopics.TWIN_RESPONSES);
        desiredUpdates |= filter.equals(HubTopics.DESIRED_UPDATES);
        subAck.addGrantedQos(MqttConnections.granted(subscription.qualityOfService()));
      } else {
        subAck.addGrantedQos(MqttQoS.FAILURE);
      }
    }
    ctx.writeAndFlush(subAck.build());
  }

  private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
    String topic = publish.variableHeader().topicName();
    MqttQoS qos = publish.fixedHeader().qosLevel();
    HubTopics.Kind kind = HubTopics.kind(topic, device.deviceId());
    if (kind == HubTopics.Kind.UNKNOWN || qos == MqttQoS.EXACTLY_ONCE) {
      LOG.info(() -> "hub " + state.hostName() + ": closing on PUBLISH to " + topic);
      ctx.close();
      return;
    }
    MqttConnections.acknowledge(ctx, publish);
    byte[] body = ByteBufUtil.getBytes(publish.content());
    switch (kind) {
      case TELEMETRY -> state.countMessage(device.deviceId());
      case TWIN_GET -> answerTwin(ctx, topic, 200, state.twin(device).document(), null);
      case REPORTED_PATCH -> patchReported(ctx, topic, body);
      default -> throw new IllegalStateException(kind.name());
    }
    ctx.flush();
  }

  private void patchReported(ChannelHandlerContext ctx, String topic, byte[] body) {
    JsonNode patch;
    try {
      patch = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      patch = null;
    }
    if (!(patch instanceof ObjectNode object)) {
      answerTwin(ctx, topic, 400, null, null);
      return;
    }
    try {
      long version = state.twin(device).patchReported(object);
      answerTwin(ctx, topic, 204, null, version);
    } catch (IllegalArgumentException e) {
      answerTwin(ctx, topic, 400, null, null);
    }
  }

  private void answerTwin(
      ChannelHandlerContext ctx, String topic, int status, JsonNode body, Long version) {
    Optional<String> requestId = HubTopics.requestId(topic);
    if (!twinResponses || requestId.isEmpty()) {
      return; // IoT Hub delivers twin responses only to a subscriber, matched by $rid
    }
    String responseTopic =
        HubTopics.twinResponse(status, requestId.get(), Optional.ofNullable(version));
    ctx.write(message(responseTopic, body == null ? new byte[0] : bytes(body)));
  }

  @Override
  public void pushDesired(ObjectNode patch) {
    ChannelHandlerContext ctx = context;
    if (ctx == null) {
      return;
    }
    long version = patch.path("$version").asLong();
    byte[] body = bytes(patch);
    ctx.executor()
        .execute(
            () -> {
              if (desiredUpdates) {
                ctx.writeAndFlush(message(HubTopics.desiredUpdate(version), body));
              }
            });
  }

  @Override
  public void close() {
    ChannelHandlerContext ctx = context;
    if (ctx != null) {
      ctx.close();
    }
  }

  private MqttPublishMessage message(String topic, byte[] body) {
    return MqttConnections.publish(topic, MqttQoS.AT_MOST_ONCE, packetIds.next(), body);
  }

  private static byte[] bytes(JsonNode json) {
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (device != null) {
      state.closed(device.deviceId(), this);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.fine(() -> "hub " + state.hostName() + ": connection failed: " + cause);
    ctx.close();
  }

  private void refuseOrClose(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    if (device == null) {
      refuse(ctx, code);
    } else {
      ctx.close();
    }
  }

  // A hub speaks MQTT 3.1.1 only, so every refusal is written at that protocol level.
  private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    MqttConnections.answerAs311(ctx);
    LOG.info(() -> "hub " + state.hostName() + ": CONNECT refused: " + code);
    MqttConnections.refuse(ctx, code);
  }
}
