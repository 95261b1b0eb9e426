package io.dpsagent.emulator.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.DeviceClient;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.Registrations;
import io.dpsagent.emulator.ServiceClient;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's linked hubs as real endpoints: a device DPS registered connects to its hub with
 * its key, reads the enrollment's initial twin and sends telemetry the service API counts; moved to
 * another hub, it is refused by the old one.
 */
class EmulatedHubsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HUB_A = "hub-a.example.net";
  private static final String HUB_B = "hub-b.example.net";

  private DpsEmulator emulator;

  @BeforeEach
  void start() throws Exception {
    emulator =
        DpsEmulator.start(
            EmulatorConfig.builder()
                .linkedHubs(List.of(LinkedHub.withHostName(HUB_A), LinkedHub.withHostName(HUB_B)))
                .retryAfterSeconds(0)
                .build());
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private void enroll(String hub, boolean migrate) throws Exception {
    JsonNode twin = JSON.readTree("{\"properties\":{\"desired\":{\"interval\":30}}}");
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("dev-1", TestTokens.VECTOR_KEY).withIotHubs(List.of(hub));
    enrollment =
        enrollment.withOptions(
            enrollment
                .options()
                .withAllocationPolicy(AllocationPolicy.STATIC)
                .withInitialTwin(twin)
                .withReprovisionPolicy(new EnrollmentReprovisionPolicy(true, migrate)));
    emulator.registry().putIndividualEnrollment(enrollment, java.util.Optional.empty());
  }

  private String register() {
    JsonNode result =
        Registrations.register(
            new DeviceClient(emulator), emulator.idScope(), "dev-1", TestTokens.VECTOR_KEY);
    return result.path("registrationState").path("assignedHub").asText();
  }

  private HubClient connect(String hub) throws Exception {
    HubClient device = new HubClient(emulator.hubs().port(hub).orElseThrow(), "dev-1");
    long expiry = Instant.now().plusSeconds(600).getEpochSecond();
    String token = HubClient.sasToken(TestTokens.VECTOR_KEY, hub, "dev-1", expiry);
    device.connect(
        TestTls.trusting(emulator.caFile()).getSocketFactory(),
        HubClient.userName(hub, "dev-1"),
        token);
    return device;
  }

  /** A device connected to {@code hub} and subscribed to its twin responses. */
  private HubClient connectForTwin(String hub) throws Exception {
    HubClient device = connect(hub);
    device.subscribe(HubTopics.TWIN_RESPONSES);
    return device;
  }

  @Test
  void aRegisteredDeviceReadsItsInitialTwinAndItsTelemetryIsCounted() throws Exception {
    enroll(HUB_A, true);
    assertEquals(HUB_A, register());
    try (HubClient device = connectForTwin(HUB_A)) {
      assertEquals(
          JSON.readTree("{\"interval\":30,\"$version\":1}"),
          device.getTwin(1).json().get("desired"));
      device.publish("devices/dev-1/messages/events/", "{\"t\":1}", 1);
      JsonNode hubs = JSON.readTree(serviceGet("/emulator/hubs").body());
      assertEquals(HUB_A, hubs.get(0).get("hostName").asText());
      assertEquals(1, hubs.get(0).get("messages").get("dev-1").asInt());
      assertEquals("dev-1", hubs.get(0).get("connectedDevices").get(0).asText());
    }
  }

  @Test
  void aDeviceNotRegisteredYetIsRefused() throws Exception {
    enroll(HUB_A, true);
    MqttException e = assertThrows(MqttException.class, () -> connect(HUB_A).close());
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
  }

  @Test
  void aDeviceMovedToAnotherHubIsDroppedByTheOldOneAndKeepsItsTwinWhenMigrated() throws Exception {
    enroll(HUB_A, true);
    register();
    try (HubClient onA = connectForTwin(HUB_A)) {
      assertEquals(
          "$iothub/twin/res/204/?$rid=2&$version=2",
          onA.reportProperties(2, "{\"fw\":\"1.0\"}").topic());
      enroll(HUB_B, true);
      assertEquals(HUB_B, register());
      assertTrue(onA.awaitConnectionLost(), "the old hub closes the moved device's connection");
    }
    MqttException refused = assertThrows(MqttException.class, () -> connect(HUB_A).close());
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
    try (HubClient onB = connectForTwin(HUB_B)) {
      assertEquals("1.0", onB.getTwin(3).json().get("reported").get("fw").asText());
    }
  }

  @Test
  void aDeviceMovedWithoutMigrationStartsFromTheInitialTwin() throws Exception {
    enroll(HUB_A, false);
    register();
    try (HubClient onA = connectForTwin(HUB_A)) {
      onA.reportProperties(2, "{\"fw\":\"1.0\"}");
    }
    enroll(HUB_B, false);
    register();
    try (HubClient onB = connectForTwin(HUB_B)) {
      assertEquals(JSON.readTree("{\"$version\":1}"), onB.getTwin(3).json().get("reported"));
    }
  }

  @Test
  void aDesiredChangeThroughTheServiceApiReachesTheConnectedDevice() throws Exception {
    enroll(HUB_A, true);
    register();
    try (HubClient device = connect(HUB_A)) {
      device.subscribe(HubTopics.DESIRED_UPDATES);
      device.subscribe(HubTopics.TWIN_RESPONSES);
      device.getTwin(1);
      HttpResponse<String> patched =
          new ServiceClient(emulator)
              .send(
                  "PATCH",
                  "/emulator/hubs/" + HUB_A + "/twins/dev-1",
                  "{\"properties\":{\"desired\":{\"interval\":5}}}");
      assertEquals(200, patched.statusCode(), patched.body());
      HubClient.Received update = device.next();
      assertEquals("$iothub/twin/PATCH/properties/desired/?$version=2", update.topic());
      assertEquals(5, update.json().get("interval").asInt());
    }
  }

  private HttpResponse<String> serviceGet(String path) {
    return new ServiceClient(emulator).send("GET", path, null);
  }
}
