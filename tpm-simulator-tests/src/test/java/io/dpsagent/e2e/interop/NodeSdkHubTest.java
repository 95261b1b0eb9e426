package io.dpsagent.e2e.interop;

import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.e2e.Device;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Node IoT Hub device SDK (azure-iot-device + azure-iot-device-mqtt) takes the {@code
 * connection-string} the agent wrote, unmodified, connects to the emulated hub DPS assigned (its
 * host name a loopback address, the SDK's fixed port 8883), reads the enrollment's initial twin and
 * sends a message the hub counts.
 */
class NodeSdkHubTest {

  private static final int ATTEMPTS = 5;
  private static final String INITIAL_TWIN =
      "{\"properties\":{\"desired\":{\"telemetryInterval\":15,\"site\":\"line-3\"}}}";

  @TempDir Path home;
  private DpsEmulator emulator;
  private String hub;

  @BeforeEach
  void start() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < ATTEMPTS && emulator == null; attempt++) {
      hub = StandardPortEmulators.randomLoopbackAddress();
      try {
        emulator =
            DpsEmulator.start(
                EmulatorConfig.defaults().toBuilder()
                    .retryAfterSeconds(1)
                    .linkedHubs(List.of(LinkedHub.withHostName(hub)))
                    .hubMqttPort(StandardPortEmulators.MQTT_PORT)
                    .build());
      } catch (IOException e) {
        if (StandardPortEmulators.isPermissionDenied(e)) {
          throw new IOException("the hub interop test binds port 8883 and needs root", e);
        }
        last = e;
      }
    }
    if (emulator == null) {
      throw last;
    }
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void theAgentsConnectionStringConnectsTheOfficialSdkToItsHub() throws Exception {
    String key = Device.newKey();
    IndividualEnrollment enrollment = IndividualEnrollment.symmetricKey("node-hub-dev", key);
    emulator
        .registry()
        .addIndividualEnrollment(
            enrollment.withOptions(
                enrollment.options().withInitialTwin(NodeScripts.JSON.readTree(INITIAL_TWIN))));
    Device device =
        new Device(home).registrationId("node-hub-dev").deviceKey(key).endpoint(emulator);
    provisioned(device);
    String connectionString = Files.readString(device.outputFile("connection-string")).strip();
    assertTrue(connectionString.startsWith("HostName=" + hub + ";"), "assigned to the hub");

    ObjectNode request = NodeScripts.JSON.createObjectNode();
    request.put("connectionString", connectionString);
    request.put("timeoutSeconds", 30);
    request.putObject("message").put("seq", 1);
    NodeScripts.Run sdk = NodeScripts.run("hub-device.js", request, emulator.caFile());

    assertEquals(0, sdk.exitCode(), sdk.toString());
    JsonNode desired = sdk.outcome().path("result").path("desired");
    assertEquals(15, desired.path("telemetryInterval").asInt(), desired.toString());
    assertEquals("line-3", desired.path("site").asText(), desired.toString());
    assertEquals(1, desired.path("$version").asInt(), desired.toString());
    assertEquals(1, emulator.hubs().state(hub).orElseThrow().messages("node-hub-dev"));
  }
}
