package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.nio.file.Path;
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

  private static DpsEmulator emulator;
  private static Fleet fleet;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulators.startAllTransports();
    fleet = new Fleet(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
      "https,   symmetric-individual", "https,   symmetric-group", "https,   x509-individual", "https,   x509-group",
      "mqtt,    symmetric-individual", "mqtt,    symmetric-group", "mqtt,    x509-individual", "mqtt,    x509-group",
      "mqtt5,   symmetric-individual", "mqtt5,   symmetric-group", "mqtt5,   x509-individual", "mqtt5,   x509-group",
      "mqtt-ws, symmetric-individual", "mqtt-ws, symmetric-group", "mqtt-ws, x509-individual", "mqtt-ws, x509-group"})
  void provisions(String transport, String attestation) throws Exception {
    Device device = fleet.enrolled(home, attestation, transport);
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
      assertEquals(attestation.startsWith("x509") ? Fleet.CA_GROUP : Fleet.SAS_GROUP,
          json.get("enrollmentGroupId").textValue());
    }
    String expectedEndpoint = transport.equals("https") ? "https://" : transport.equals("mqtt-ws") ? "wss://" : "mqtts://";
    assertTrue(json.get("dpsEndpoint").textValue().startsWith(expectedEndpoint), json.toString());
  }
}
