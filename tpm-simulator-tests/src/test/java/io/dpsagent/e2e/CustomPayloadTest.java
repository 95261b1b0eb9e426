package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.CustomAllocation;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The custom payload's round trip: the device's payload reaches the custom allocation webhook, and
 * the payload the webhook returns lands in {@code connection.json} for the application.
 */
class CustomPayloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LinkedBlockingQueue<JsonNode> WEBHOOK_REQUESTS = new LinkedBlockingQueue<>();

  private static HttpServer webhook;
  private static DpsEmulator emulator;
  private static Fleet fleet;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/allocate",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          WEBHOOK_REQUESTS.add(request);
          String answer =
              JSON.createObjectNode()
                  .put("iotHubHostName", "payload-hub-2.azure-devices.net")
                  .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                      "payload",
                      JSON.createObjectNode()
                          .put("site", "berlin")
                          .set("seen", request.at("/deviceRuntimeContext/payload")))
                  .toString();
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    webhook.start();
    emulator =
        DpsEmulator.start(
            EmulatorConfig.defaults().toBuilder()
                .retryAfterSeconds(1)
                .linkedHubs(
                    java.util.List.of(
                        LinkedHub.withHostName("payload-hub-1.azure-devices.net"),
                        LinkedHub.withHostName("payload-hub-2.azure-devices.net")))
                .build());
    fleet = new Fleet(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
    webhook.stop(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void payloadGoesToTheWebhookAndItsAnswerToTheApplication(String transport) throws Exception {
    String key = Device.newKey();
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .deviceKey(key)
            .provisioning(
                "payload = { json = '{\"modelId\":\"dtmi:example:thermostat;1\",\"line\":3}' }");
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(device.registrationId(), key)
                .withOptions(
                    EnrollmentOptions.DEFAULTS.withCustomAllocation(
                        CustomAllocation.of(
                            "http://127.0.0.1:" + webhook.getAddress().getPort() + "/allocate",
                            null))));
    WEBHOOK_REQUESTS.clear();

    provisioned(device);
    JsonNode seen = WEBHOOK_REQUESTS.poll(5, TimeUnit.SECONDS);
    assertEquals(
        JSON.readTree("{\"modelId\":\"dtmi:example:thermostat;1\",\"line\":3}"),
        seen.at("/deviceRuntimeContext/payload"));
    assertEquals(
        device.registrationId(), seen.at("/deviceRuntimeContext/registrationId").textValue());
    ConnectionInfo connection = device.connection();
    assertEquals("payload-hub-2.azure-devices.net", connection.hubHostName());
    assertEquals(
        JSON.readTree(
            "{\"site\":\"berlin\",\"seen\":{\"modelId\":\"dtmi:example:thermostat;1\",\"line\":3}}"),
        connection.payload().orElseThrow());
  }
}
