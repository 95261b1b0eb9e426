package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.testing.TestPki;
import io.dpsagent.hsm.testing.TestPki.KeyType;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every transport with every non-TPM attestation, end to end against the emulator: the agent
 * provisions and {@code connection.json} names the hub and device the emulator recorded.
 */
class TransportAttestationMatrixTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger DEVICES = new AtomicInteger();
  private static final TestPki.Issuer ROOT = TestPki.rootCa("Matrix Root CA");
  private static final TestPki.Issuer INTERMEDIATE = ROOT.intermediate("Matrix Intermediate CA");
  private static final String GROUP_KEY = Device.newKey();

  private static DpsEmulator emulator;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    emulator = DpsEmulator.start(EmulatorConfig.defaults().toBuilder()
        .retryAfterSeconds(1).mqtt5(Mqtt5Policy.ACCEPT).build());
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey("matrix-sas-group", GROUP_KEY));
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.x509("matrix-ca-group", ROOT.certificate()));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static URI endpoint(String transport) {
    switch (transport) {
      case "https":
        return emulator.httpsEndpoint();
      case "mqtt-ws":
        return URI.create("wss://localhost:" + emulator.mqttWebSocketEndpoint().getPort());
      default:
        return emulator.mqttEndpoint();
    }
  }

  /** A device of the given attestation kind, enrolled in the emulator. */
  static Device enrolled(Path home, String attestation) throws Exception {
    String id = "matrix-" + DEVICES.incrementAndGet();
    Device device = new Device(home).registrationId(id);
    switch (attestation) {
      case "symmetric-individual": {
        String key = Device.newKey();
        emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, key).withDeviceId(id + "-dev"));
        return device.deviceKey(key);
      }
      case "symmetric-group":
        return device.groupKey(GROUP_KEY);
      case "x509-individual": {
        TestPki.Leaf leaf = TestPki.rootCa(id + " self CA").leaf(id, KeyType.EC_P256);
        emulator.registry().addIndividualEnrollment(IndividualEnrollment.x509(id, leaf.certificate()));
        return device.x509(leaf);
      }
      case "x509-group":
        return device.x509(INTERMEDIATE.leaf(id, KeyType.RSA_2048));
      default:
        throw new IllegalArgumentException(attestation);
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
      "https,   symmetric-individual", "https,   symmetric-group", "https,   x509-individual", "https,   x509-group",
      "mqtt,    symmetric-individual", "mqtt,    symmetric-group", "mqtt,    x509-individual", "mqtt,    x509-group",
      "mqtt5,   symmetric-individual", "mqtt5,   symmetric-group", "mqtt5,   x509-individual", "mqtt5,   x509-group",
      "mqtt-ws, symmetric-individual", "mqtt-ws, symmetric-group", "mqtt-ws, x509-individual", "mqtt-ws, x509-group"})
  void provisions(String transport, String attestation) throws Exception {
    Device device = enrolled(home, attestation).transport(transport)
        .endpoint(endpoint(transport), emulator.idScope(), emulator.caFile());
    CliRun run = CliRun.of("provision", "--config", device.writeConfig(), "--json");

    assertEquals(0, run.exitCode(), run.toString());
    String id = device.registrationId();
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();
    JsonNode json = JSON.readTree(device.outputDir.resolve("connection.json").toFile());
    assertEquals(record.assignedHub(), json.get("hubHostName").textValue());
    assertEquals(record.deviceId(), json.get("deviceId").textValue());
    assertEquals(attestation.equals("symmetric-individual") ? id + "-dev" : id, json.get("deviceId").textValue());
    assertEquals(id, json.get("registrationId").textValue());
    assertEquals(attestation.startsWith("x509") ? "x509" : "symmetric_key", json.get("attestation").textValue());
    assertEquals(attestation.startsWith("x509") ? "x509" : "sas", json.path("auth").path("type").textValue());
    if (attestation.endsWith("group")) {
      assertEquals(attestation.startsWith("x509") ? "matrix-ca-group" : "matrix-sas-group",
          json.get("enrollmentGroupId").textValue());
    }
    String expectedEndpoint = transport.equals("https") ? "https://" : transport.equals("mqtt-ws") ? "wss://" : "mqtts://";
    assertTrue(json.get("dpsEndpoint").textValue().startsWith(expectedEndpoint), json.toString());
  }
}
