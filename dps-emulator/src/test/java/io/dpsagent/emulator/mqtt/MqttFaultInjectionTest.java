package io.dpsagent.emulator.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.device.DeviceTransport;
import io.dpsagent.emulator.device.Fault;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultRule;
import io.dpsagent.emulator.device.RequestKind;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each injected fault as an MQTT device sees it on the wire, over real TLS. */
class MqttFaultInjectionTest extends MqttFixture {

  @Test
  void aWithheldReplyNeverComesWhileLaterRequestsAreAnswered() throws IOException {
    script(RequestKind.REGISTER, "no_reply");
    try (RawMqttConnection device = connected("mqtt-no-reply-1")) {
      device.send(registerPublish(1));
      device.send(registerPublish(2));

      assertEquals(MqttMessageType.PUBACK, device.receive().fixedHeader().messageType());
      assertEquals(MqttMessageType.PUBACK, device.receive().fixedHeader().messageType());
      MqttPublishMessage reply = (MqttPublishMessage) device.receive();
      assertEquals(
          "$dps/registrations/res/202/?$rid=2&retry-after=3", reply.variableHeader().topicName());
    }
    assertEquals(
        0,
        emulator.requestLog().entries().get(emulator.requestLog().entries().size() - 2).status());
  }

  @Test
  void aResetClosesTheConnectionInsteadOfReplying() throws IOException {
    script(RequestKind.REGISTER, "reset");
    try (RawMqttConnection device = connected("mqtt-reset-1")) {
      device.send(registerPublish(1));

      assertEquals(MqttMessageType.PUBACK, device.receive().fixedHeader().messageType());
      assertThrows(IOException.class, device::receive, "the server closed without a reply");
    }
  }

  @Test
  void aTruncatedReplyCarriesHalfTheJson() throws IOException {
    script(RequestKind.REGISTER, "truncated");
    Reply reply = firstRegisterReply("mqtt-truncated-1");

    assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", reply.topic());
    String payload = new String(reply.payload(), StandardCharsets.UTF_8);
    assertTrue(payload.startsWith("{\"operationId\":\""), payload);
    assertThrows(IOException.class, () -> new ObjectMapper().readTree(payload));
  }

  @Test
  void aMalformedReplyIsNotJson() throws IOException {
    script(RequestKind.REGISTER, "malformed");
    Reply reply = firstRegisterReply("mqtt-malformed-1");

    assertArrayEquals(
        "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8),
        reply.payload());
  }

  @Test
  void statusAndDelayFaultsShowInTheReplyTopicAndTiming() throws IOException {
    script(RequestKind.REGISTER, "429:2", "delay:300");
    try (RawMqttConnection device = connected("mqtt-status-1")) {
      MqttPublishMessage throttled = registerReply(device);
      Instant sent = Instant.now();
      device.send(registerPublish(2));
      device.receive();
      MqttPublishMessage late = (MqttPublishMessage) device.receive();

      assertEquals(
          "$dps/registrations/res/429/?$rid=1&retry-after=2",
          throttled.variableHeader().topicName());
      assertTrue(Duration.between(sent, Instant.now()).toMillis() >= 300);
      assertEquals(
          "$dps/registrations/res/202/?$rid=2&retry-after=3", late.variableHeader().topicName());
    }
  }

  @Test
  void aRuleForHttpsLeavesMqttAlone() throws IOException {
    emulator
        .faults()
        .install(
            FaultPlan.of(
                0,
                FaultRule.random(1, List.of(Fault.parse("503"))).onlyOver(DeviceTransport.HTTPS)));
    Reply reply = firstRegisterReply("mqtt-untouched-1");

    assertEquals("$dps/registrations/res/202/?$rid=1&retry-after=3", reply.topic());
  }

  /** A reply's topic and payload, copied out so they outlive the connection. */
  private record Reply(String topic, byte[] payload) {}

  /** Connects a newly enrolled device, sends its register request 1 and returns the reply. */
  private Reply firstRegisterReply(String registrationId) throws IOException {
    try (RawMqttConnection device = connected(registrationId)) {
      MqttPublishMessage reply = registerReply(device);
      return new Reply(reply.variableHeader().topicName(), ByteBufUtil.getBytes(reply.content()));
    }
  }

  /** Sends register request 1 and returns the reply that follows its PUBACK. */
  private static MqttPublishMessage registerReply(RawMqttConnection device) throws IOException {
    device.send(registerPublish(1));
    assertEquals(MqttMessageType.PUBACK, device.receive().fixedHeader().messageType());
    return (MqttPublishMessage) device.receive();
  }

  private void script(RequestKind kind, String... faults) {
    installScript(rule -> rule.onlyFor(kind).onlyOver(DeviceTransport.MQTT), faults);
  }

  private RawMqttConnection connected(String registrationId) throws IOException {
    enrollWithVectorKey(registrationId);
    RawMqttConnection device = new RawMqttConnection(emulator.mqttEndpoint(), tls);
    device.send(connect(scope, MqttVersion.MQTT_3_1_1, registrationId, 60));
    assertEquals(MqttMessageType.CONNACK, device.receive().fixedHeader().messageType());
    device.send(
        MqttMessageBuilders.subscribe()
            .messageId(1)
            .addSubscription(MqttQoS.AT_LEAST_ONCE, PahoDevice.RESPONSES)
            .build());
    MqttMessage subAck = device.receive();
    assertEquals(MqttMessageType.SUBACK, subAck.fixedHeader().messageType());
    return device;
  }
}
