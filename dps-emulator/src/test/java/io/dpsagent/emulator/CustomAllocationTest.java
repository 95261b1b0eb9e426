package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.CustomAllocation;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The custom allocation policy against a real webhook server on loopback. */
class CustomAllocationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LinkedHub HUB_1 = LinkedHub.withHostName("hub-1.azure-devices.net");
  private static final LinkedHub HUB_2 = LinkedHub.withHostName("hub-2.azure-devices.net");
  private static final String DEVICE_PAYLOAD = "{\"model\":\"x1\",\"sensors\":[1,2]}";

  /** What the webhook answers next: an HTTP status and a body. */
  private record Answer(int status, String body) {}

  private final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
  private final AtomicReference<Answer> answer = new AtomicReference<>();
  private final CountDownLatch releaseSlowWebhook = new CountDownLatch(1);
  private ExecutorService webhookThreads;
  private HttpServer webhook;
  private DpsEmulator emulator;
  private DeviceClient device;

  @BeforeEach
  void start() throws IOException {
    webhookThreads = Executors.newCachedThreadPool();
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.setExecutor(webhookThreads);
    webhook.createContext("/allocate", this::allocate);
    webhook.createContext("/slow", this::slow);
    webhook.start();
    emulator =
        DpsEmulator.start(
            EmulatorConfig.builder()
                .linkedHubs(List.of(HUB_1, HUB_2))
                .retryAfterSeconds(0)
                .webhookTimeout(Duration.ofSeconds(1))
                .build());
    device = new DeviceClient(emulator);
  }

  @AfterEach
  void stop() throws InterruptedException {
    releaseSlowWebhook.countDown();
    emulator.close();
    webhook.stop(0);
    webhookThreads.shutdownNow();
    assertTrue(webhookThreads.awaitTermination(30, TimeUnit.SECONDS));
  }

  @Test
  void webhookChoosesHubAndItsPayloadReachesTheDevice() throws Exception {
    enroll("custom-1", "/allocate");
    answer.set(
        new Answer(
            200,
            "{\"iotHubHostName\":\"hub-2.azure-devices.net\",\"initialTwin\":{\"tags\":{\"zone\":"
                + "\"b\"},\"properties\":{\"desired\":{\"rate\":7}}},\"payload\":{\"plan\":\"gold\"}}"));

    JsonNode result = register("custom-1");

    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals("hub-2.azure-devices.net", result.at("/registrationState/assignedHub").asText());
    assertEquals(JSON.readTree("{\"plan\":\"gold\"}"), result.at("/registrationState/payload"));
    assertFalse(result.get("registrationState").has("initialTwin"), "the twin stays in DPS");
    JsonNode request = requests.poll(30, TimeUnit.SECONDS);
    assertEquals("custom-1", request.at("/individualEnrollment/registrationId").asText());
    assertEquals("custom", request.at("/individualEnrollment/allocationPolicy").asText());
    assertEquals("symmetricKey", request.at("/individualEnrollment/attestation/type").asText());
    assertEquals(0, request.at("/individualEnrollment/attestation/symmetricKey").size(), "no keys");
    assertEquals("custom-1", request.at("/deviceRuntimeContext/registrationId").asText());
    assertEquals(JSON.readTree(DEVICE_PAYLOAD), request.at("/deviceRuntimeContext/payload"));
    assertTrue(request.at("/deviceRuntimeContext/symmetricKey").isObject());
    assertFalse(request.get("deviceRuntimeContext").has("currentIotHubHostName"));
    assertEquals(
        JSON.readTree("[\"hub-1.azure-devices.net\",\"hub-2.azure-devices.net\"]"),
        request.get("linkedHubs"));
    assertEquals(
        Optional.of(
            JSON.readTree("{\"tags\":{\"zone\":\"b\"},\"properties\":{\"desired\":{\"rate\":7}}}")),
        emulator.registry().registration("custom-1").orElseThrow().initialTwin());

    answer.set(new Answer(200, "{\"iotHubHostName\":\"hub-1.azure-devices.net\"}"));
    JsonNode again = register("custom-1");

    assertEquals("hub-1.azure-devices.net", again.at("/registrationState/assignedHub").asText());
    assertEquals("deviceDataMigrated", again.at("/registrationState/substatus").asText());
    assertFalse(again.get("registrationState").has("payload"));
    JsonNode second = requests.poll(30, TimeUnit.SECONDS);
    assertEquals(
        "hub-2.azure-devices.net",
        second.at("/deviceRuntimeContext/currentIotHubHostName").asText());
    assertEquals("custom-1", second.at("/deviceRuntimeContext/currentDeviceId").asText());
  }

  @Test
  void groupSetUpThroughTheServiceApiSendsTheGroupToTheWebhook() throws Exception {
    ServiceClient service = new ServiceClient(emulator);
    JsonNode created =
        service.putOk(
            "/enrollmentGroups/custom-group",
            "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
                + TestTokens.VECTOR_GROUP_KEY
                + "\"}},\"allocationPolicy\":\"custom\",\"iotHubs\":[\"hub-1.azure-devices.net\"],"
                + "\"customAllocationDefinition\":{\"webhookUrl\":\""
                + url("/allocate")
                + "\",\"apiVersion\":\"2019-03-31\"}}");
    assertEquals(url("/allocate"), created.at("/customAllocationDefinition/webhookUrl").asText());
    answer.set(new Answer(200, "{\"iotHubHostName\":\"hub-1.azure-devices.net\",\"payload\":{}}"));

    JsonNode result =
        Registrations.register(
            device,
            emulator.idScope(),
            "member-7",
            TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "member-7"),
            "{\"registrationId\":\"member-7\"}");

    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals(JSON.readTree("{}"), result.at("/registrationState/payload"));
    JsonNode request = requests.poll(30, TimeUnit.SECONDS);
    assertEquals("custom-group", request.at("/enrollmentGroup/enrollmentGroupId").asText());
    assertFalse(request.has("individualEnrollment"));
    assertFalse(request.get("deviceRuntimeContext").has("payload"));
    assertEquals(JSON.readTree("[\"hub-1.azure-devices.net\"]"), request.get("linkedHubs"));
  }

  @Test
  void webhookNamingAnUnlinkedHubFailsTheRegistration() {
    enroll("custom-2", "/allocate");
    answer.set(new Answer(200, "{\"iotHubHostName\":\"rogue.azure-devices.net\"}"));

    assertFailed(register("custom-2"), 400302);
  }

  @Test
  void webhookErrorsFailTheRegistration() {
    enroll("custom-3", "/allocate");

    answer.set(new Answer(500, "{\"error\":\"boom\"}"));
    assertFailed(register("custom-3"), 400301);

    answer.set(new Answer(200, "not json"));
    assertFailed(register("custom-3"), 400301);

    answer.set(new Answer(200, "{\"payload\":{}}"));
    assertFailed(register("custom-3"), 400301);

    answer.set(
        new Answer(200, "{\"iotHubHostName\":\"hub-1.azure-devices.net\",\"payload\":\"text\"}"));
    assertFailed(register("custom-3"), 400301);
  }

  @Test
  void slowOrUnreachableWebhookFailsTheRegistration() throws IOException {
    enroll("custom-4", "/slow");
    assertFailed(register("custom-4"), 400301);

    int closedPort;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    emulator
        .registry()
        .addIndividualEnrollment(
            enrollment("custom-5", "http://127.0.0.1:" + closedPort + "/allocate"));
    assertFailed(register("custom-5"), 400301);
  }

  private void assertFailed(JsonNode result, int errorCode) {
    assertEquals("failed", result.get("status").asText(), result::toString);
    assertEquals("failed", result.at("/registrationState/status").asText());
    assertEquals(errorCode, result.at("/registrationState/errorCode").asInt(), result::toString);
    assertFalse(result.at("/registrationState/errorMessage").asText().isEmpty());
    assertEquals(
        Optional.empty(),
        emulator.registry().registration(result.at("/registrationState/registrationId").asText()));
  }

  private void enroll(String registrationId, String path) {
    emulator.registry().addIndividualEnrollment(enrollment(registrationId, url(path)));
  }

  private static IndividualEnrollment enrollment(String registrationId, String webhookUrl) {
    return IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY)
        .withOptions(
            EnrollmentOptions.DEFAULTS.withCustomAllocation(
                CustomAllocation.of(webhookUrl, "2019-03-31")));
  }

  private JsonNode register(String registrationId) {
    return Registrations.register(
        device,
        emulator.idScope(),
        registrationId,
        TestTokens.VECTOR_KEY,
        "{\"registrationId\":\"" + registrationId + "\",\"payload\":" + DEVICE_PAYLOAD + "}");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + path;
  }

  private void allocate(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean post = exchange.getRequestMethod().equals("POST");
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      if (post && contentType != null && contentType.startsWith("application/json")) {
        requests.add(request);
      }
      Answer next = answer.get();
      byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(next.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  // Answers only after the emulator's one-second webhook timeout (or when the test ends).
  private void slow(HttpExchange exchange) throws IOException {
    try (exchange) {
      releaseSlowWebhook.await(30, TimeUnit.SECONDS);
      exchange.sendResponseHeaders(500, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
