package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every transport with every non-TPM attestation, end to end against the emulator: the agent
 * provisions and {@code connection.json} names the hub and device the emulator recorded.
 */
class TransportAttestationMatrixTest {

  @RegisterExtension
  static final ClassFixture<Fleet> FLEET = ClassFixture.of(Fleet::onAllTransports);

  private final Fleet fleet = FLEET.get();
  private final DpsEmulator emulator = fleet.emulator();

  @TempDir Path home;

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
    "https,   symmetric-individual", "https,   symmetric-group", "https,   x509-individual",
        "https,   x509-group",
    "mqtt,    symmetric-individual", "mqtt,    symmetric-group", "mqtt,    x509-individual",
        "mqtt,    x509-group",
    "mqtt5,   symmetric-individual", "mqtt5,   symmetric-group", "mqtt5,   x509-individual",
        "mqtt5,   x509-group",
    "mqtt-ws, symmetric-individual", "mqtt-ws, symmetric-group", "mqtt-ws, x509-individual",
        "mqtt-ws, x509-group"
  })
  void provisions(String transport, String attestation) throws Exception {
    Device device = fleet.enrolled(home, attestation, transport);
    CliRun run = CliRun.of("provision", "--config", device.writeConfig(), "--json");

    assertExit(0, run);
    String id = device.registrationId();
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();
    ConnectionInfo connection = device.connection();
    assertEquals(record.assignedHub(), connection.hubHostName());
    assertEquals(record.deviceId(), connection.deviceId());
    assertEquals(
        attestation.equals("symmetric-individual") ? id + "-dev" : id, connection.deviceId());
    assertEquals(id, connection.registrationId());
    assertEquals(
        attestation.startsWith("x509") ? "x509" : "symmetric_key", connection.attestation());
    assertEquals(attestation.startsWith("x509") ? "x509" : "sas", connection.hubAuth().type());
    if (attestation.endsWith("group")) {
      assertEquals(
          Optional.of(attestation.startsWith("x509") ? Fleet.CA_GROUP : Fleet.SAS_GROUP),
          connection.enrollmentGroupId());
    }
    String expectedEndpoint =
        transport.equals("https")
            ? "https://"
            : transport.equals("mqtt-ws") ? "wss://" : "mqtts://";
    assertTrue(connection.dpsEndpoint().startsWith(expectedEndpoint), connection.toString());
  }
}
