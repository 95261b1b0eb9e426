package io.dpsagent.emulator.mqtt;

import static io.dpsagent.emulator.mqtt.PahoDevice.username;

import io.dpsagent.emulator.EmulatorFixture;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;

/** An emulator for MQTT tests, a TLS context trusting it, and the raw packets devices send. */
abstract class MqttFixture extends EmulatorFixture {

  static final String REGISTER = "$dps/registrations/PUT/iotdps-register/?$rid=";

  protected SSLContext tls;

  @BeforeAll
  final void trustEmulator() throws IOException {
    tls = TestTls.trusting(emulator.caFile());
  }

  /** CONNECT of a device holding {@link TestTokens#VECTOR_KEY}, with a clean session. */
  static MqttMessage connect(
      String idScope, MqttVersion version, String registrationId, int keepAlive) {
    return MqttMessageBuilders.connect()
        .protocolVersion(version)
        .clientId(registrationId)
        .username(username(idScope, registrationId))
        .password(
            TestTokens.token(TestTokens.VECTOR_KEY, idScope, registrationId)
                .getBytes(StandardCharsets.UTF_8))
        .cleanSession(true)
        .keepAlive(keepAlive)
        .build();
  }

  /** A register request with packet and request ID {@code packetId} and an empty payload. */
  static MqttPublishMessage registerPublish(int packetId) {
    return MqttMessageBuilders.publish()
        .topicName(REGISTER + packetId)
        .qos(MqttQoS.AT_LEAST_ONCE)
        .messageId(packetId)
        .retained(false)
        .payload(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8))
        .build();
  }
}
