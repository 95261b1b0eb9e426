package io.dpsagent.emulator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.device.ApiVersionPolicy;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The config keys of the MQTT endpoints and of X.509 attestation. */
class TransportConfigTest extends ConfigFileFixture {

  @Test
  void mqttKeysAreRead() throws Exception {
    EmulatorConfig config =
        EmulatorConfig.load(
            write(
                "[emulator]\nmqtt_port = 8883\nmqtt_ws_port = 8443\nmqtt5 = \"accept\"\n"
                    + "mqtt_reply_delay_ms = 250\nhub_mqtt_port = 18883\n"));

    assertEquals(18883, config.hubs().mqttPort());
    assertEquals(18883, config.toBuilder().build().hubs().mqttPort());

    assertEquals(8883, config.devices().mqttPort());
    assertEquals(Duration.ofMillis(250), config.devices().mqttReplyDelay());
    assertEquals(
        config.devices().mqttReplyDelay(), config.toBuilder().build().devices().mqttReplyDelay());
    assertEquals(OptionalInt.of(8443), config.devices().mqttWebSocketPort());
    assertEquals(OptionalInt.of(8443), config.toBuilder().build().devices().mqttWebSocketPort());
    assertEquals(Mqtt5Policy.ACCEPT, config.devices().mqtt5());
    assertEquals(config.devices().mqttPort(), config.toBuilder().build().devices().mqttPort());
    assertEquals(Mqtt5Policy.ACCEPT, config.toBuilder().build().devices().mqtt5());
  }

  @Test
  void mqttDefaultsAreFreePortsNoSeparateWebSocketPortAndRejectingMqtt5() {
    EmulatorConfig config = EmulatorConfig.defaults();

    assertEquals(0, config.devices().mqttPort());
    assertEquals(OptionalInt.empty(), config.devices().mqttWebSocketPort());
    assertEquals(Mqtt5Policy.REJECT, config.devices().mqtt5());
    assertEquals(Duration.ZERO, config.devices().mqttReplyDelay());
  }

  @Test
  void deviceApiVersionsIsReadAndDefaultsToTheTable() throws Exception {
    EmulatorConfig config =
        EmulatorConfig.load(write("[emulator]\ndevice_api_versions = \"well-formed\"\n"));

    assertEquals(ApiVersionPolicy.WELL_FORMED, config.protocol().apiVersions());
    assertEquals(ApiVersionPolicy.WELL_FORMED, config.toBuilder().build().protocol().apiVersions());
    assertEquals(ApiVersionPolicy.SUPPORTED, EmulatorConfig.defaults().protocol().apiVersions());
    assertProblem(
        "[emulator]\ndevice_api_versions = \"lax\"",
        "emulator.device_api_versions: must be \"supported\", \"well-formed\" or \"any\"");
  }

  @Test
  void badMqttValuesAreNamed() throws Exception {
    assertProblem(
        "[emulator]\nmqtt5 = \"maybe\"", "emulator.mqtt5: must be \"reject\" or \"accept\"");
    assertProblem("[emulator]\nmqtt_ws_port = -1", "emulator.mqtt_ws_port: port out of range: -1");
    assertProblem(
        "[emulator]\nmqtt_reply_delay_ms = -5",
        "emulator.mqtt_reply_delay_ms: MQTT reply delay is negative");
  }

  @Test
  void x509AttestationsLoadCertificatesRelativeToTheFile() throws Exception {
    X509Certificate leaf = TestPki.selfSigned("x509-configured", KeyType.EC_P256).certificate();
    X509Certificate second = TestPki.selfSigned("x509-configured", KeyType.EC_P256).certificate();
    X509Certificate ca = TestPki.rootCa("Configured Root").certificate();
    Files.createDirectories(directory.resolve("certs"));
    Files.writeString(directory.resolve("certs/leaf.pem"), TestPki.pem(leaf));
    Files.writeString(directory.resolve("certs/second.pem"), TestPki.pem(second));
    Files.writeString(directory.resolve("ca.pem"), TestPki.pem(ca));

    EmulatorConfig config =
        EmulatorConfig.load(
            write(
                "[[individual_enrollments]]\nregistration_id = \"x509-configured\"\n"
                    + "attestation = { type = \"x509\", certificate = \"certs/leaf.pem\","
                    + " secondary_certificate = \"certs/second.pem\" }\n"
                    + "[[enrollment_groups]]\nenrollment_group_id = \"configured-ca\"\n"
                    + "attestation = { type = \"x509\", certificate = \"ca.pem\" }\n"));

    assertEquals(
        new X509Mechanism(leaf, Optional.of(second)),
        config.seed().individualEnrollments().get(0).attestation());
    assertEquals(X509Mechanism.of(ca), config.seed().enrollmentGroups().get(0).attestation());
  }

  @Test
  void x509ProblemsAreNamedByKey() throws Exception {
    String enrollment = "[[individual_enrollments]]\nregistration_id = \"a\"\n";
    assertProblem(
        enrollment + "attestation = { type = \"x509\" }",
        "individual_enrollments[0].attestation.certificate: is required");
    assertProblem(
        enrollment
            + "attestation = { type = \"x509\", certificate = \"c.pem\", primary_key = \"k\" }",
        "individual_enrollments[0].attestation.primary_key: not allowed for type \"x509\"");
    assertProblem(
        enrollment
            + "attestation = { type = \"symmetric_key\", primary_key = \"AAAA\","
            + " certificate = \"c.pem\" }",
        "individual_enrollments[0].attestation.certificate: not allowed for type"
            + " \"symmetric_key\"");
    Files.writeString(directory.resolve("empty.pem"), "not a certificate\n");
    Files.writeString(
        directory.resolve("ca.pem"), TestPki.pem(TestPki.rootCa("Root").certificate()));
    String unreadable =
        assertProblemStarts(
            "[[enrollment_groups]]\nenrollment_group_id = \"g\"\n"
                + "attestation = { type = \"x509\", certificate = \"ca.pem\","
                + " secondary_certificate = \"empty.pem\" }\n",
            "enrollment_groups[0].attestation.secondary_certificate: ");
    assertTrue(unreadable.endsWith("no PEM certificate found"), unreadable);
  }

  @Test
  void missingCertificateFileIsNamed() throws Exception {
    assertProblemStarts(
        "[[individual_enrollments]]\nregistration_id = \"a\"\n"
            + "attestation = { type = \"x509\", certificate = \"missing.pem\" }\n",
        "individual_enrollments[0].attestation.certificate: no such file");
  }
}
