package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.TIMESTAMP_PATTERN;
import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The device API end to end: real TLS on loopback, java.net.http trusting the generated CA. */
class DpsEmulatorHttpsTest {

  private static final LinkedHub HUB_1 = new LinkedHub("hub-1.azure-devices.net", 1);
  private static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 2);

  private static DpsEmulator emulator;
  private static DeviceClient device;
  private static String scope;

  @BeforeAll
  static void start() throws IOException {
    emulator =
        DpsEmulator.start(EmulatorConfig.builder().linkedHubs(List.of(HUB_1, HUB_2)).build());
    device = new DeviceClient(emulator);
    scope = emulator.idScope();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @BeforeEach
  void resetFaults() {
    emulator.faults().clear();
  }

  @Test
  void describesItself() throws IOException {
    assertTrue(scope.matches("0ne[0-9A-F]{8}"), scope);
    assertEquals("https", emulator.httpsEndpoint().getScheme());
    assertEquals("localhost", emulator.httpsEndpoint().getHost());
    assertTrue(emulator.httpsEndpoint().getPort() > 0);
    assertTrue(Files.readString(emulator.caFile()).startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void individualEnrollmentIsAssigned() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("individual-1", TestTokens.VECTOR_KEY)
                .withDeviceId("device-one"));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "individual-1");

    HttpResponse<String> registered =
        device.register(scope, "individual-1", token, "{\"registrationId\":\"individual-1\"}");

    assertEquals(202, registered.statusCode(), registered::body);
    assertEquals("3", registered.headers().firstValue("Retry-After").orElse(""));
    java.time.Instant served =
        java.time.ZonedDateTime.parse(
                registered.headers().firstValue("Date").orElseThrow(),
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant();
    assertTrue(
        java.time.Duration.between(served, java.time.Instant.now()).abs().getSeconds() < 60,
        "Date header tells the server's time");
    assertEquals(
        "application/json; charset=utf-8",
        registered.headers().firstValue("Content-Type").orElse(""));
    JsonNode started = json(registered);
    String operationId = started.get("operationId").asText();
    assertEquals("assigning", started.get("status").asText());
    assertFalse(started.has("registrationState"));

    HttpResponse<String> polled = device.poll(scope, "individual-1", operationId, token);

    assertEquals(200, polled.statusCode(), polled::body);
    JsonNode result = json(polled);
    assertEquals(operationId, result.get("operationId").asText());
    assertEquals("assigned", result.get("status").asText());
    JsonNode state = result.get("registrationState");
    String expectedHub =
        WeightedHubAllocator.choose("individual-1", List.of(HUB_1, HUB_2)).orElseThrow().hostName();
    assertEquals("individual-1", state.get("registrationId").asText());
    assertEquals(expectedHub, state.get("assignedHub").asText());
    assertEquals("device-one", state.get("deviceId").asText());
    assertEquals("assigned", state.get("status").asText());
    assertEquals("initialAssignment", state.get("substatus").asText());
    assertTrue(state.get("createdDateTimeUtc").asText().matches(TIMESTAMP_PATTERN));
    assertTrue(state.get("lastUpdatedDateTimeUtc").asText().matches(TIMESTAMP_PATTERN));
    String etag =
        new String(Base64.getDecoder().decode(state.get("etag").asText()), StandardCharsets.UTF_8);
    assertTrue(etag.matches("\"[0-9a-f-]{36}\""), etag);
    assertTrue(state.get("symmetricKey").isObject());
    assertFalse(state.get("symmetricKey").has("enrollmentGroupId"));
    assertFalse(state.has("payload"));
    assertFalse(state.has("errorCode"));

    RegistrationRecord record = emulator.registry().registration("INDIVIDUAL-1").orElseThrow();
    assertEquals("device-one", record.deviceId());
    assertEquals(expectedHub, record.assignedHub());
    assertEquals(state.get("etag").asText(), record.etag());
  }

  @Test
  void groupDeviceIsAssignedWithDerivedKey() {
    emulator
        .registry()
        .addEnrollmentGroup(EnrollmentGroup.symmetricKey("line-3", TestTokens.VECTOR_GROUP_KEY));
    String deviceKey = TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "line3-sensor-1");
    String token = TestTokens.token(deviceKey, scope, "line3-sensor-1");

    JsonNode state = registerAndPoll("line3-sensor-1", token).get("registrationState");

    assertEquals("assigned", state.get("status").asText());
    assertEquals("line3-sensor-1", state.get("deviceId").asText());
    assertEquals("line-3", state.at("/symmetricKey/enrollmentGroupId").asText());
    assertEquals(
        "line-3",
        emulator
            .registry()
            .registration("line3-sensor-1")
            .orElseThrow()
            .enrollmentGroupId()
            .orElseThrow());
  }

  @Test
  void sdkTokenAndPathVariantsAreAccepted() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("variant-1:a", TestTokens.VECTOR_KEY));
    long expiry = Instant.now().getEpochSecond() + 600;
    // C SDK: path segments, resource and signature escaped with lower-case hex.
    String cSr = scope + "%2fregistrations%2fvariant-1%3aa";
    String cToken =
        "SharedAccessSignature sr="
            + cSr
            + "&sig="
            + PercentEncoding.encode(signature(cSr, expiry), HexCase.LOWER)
            + "&se="
            + expiry
            + "&skn=registration";
    // Java SDK: raw resource (here in another case), unescaped signature, empty skn, and the
    // payload as a JSON string.
    String javaSr = scope + "/registrations/VARIANT-1:a";
    String javaToken =
        "SharedAccessSignature sr="
            + javaSr
            + "&sig="
            + signature(javaSr, expiry)
            + "&se="
            + expiry
            + "&skn=";
    String javaBody =
        "{\"registrationId\":\"VARIANT-1:a\",\"payload\":\"{\\\"modelId\\\":\\\"dtmi:a;1\\\"}\"}";

    assertEquals(202, device.register(scope, "variant-1%3aa", cToken, "{}").statusCode());
    assertEquals(202, device.register(scope, "VARIANT-1:a", javaToken, javaBody).statusCode());
    assertTrue(emulator.registry().registration("variant-1:A").isPresent());
  }

  @Test
  void wrongKeyIsUnauthorized() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("wrong-key-1", TestTokens.VECTOR_KEY));

    HttpResponse<String> response =
        device.register(
            scope,
            "wrong-key-1",
            TestTokens.token(TestTokens.OTHER_KEY, scope, "wrong-key-1"),
            "{}");

    assertError(response, 401, 401002);
    assertEquals("Unauthorized", json(response).get("message").asText());
    assertTrue(emulator.registry().registration("wrong-key-1").isEmpty());
  }

  @Test
  void unknownRegistrationIsUnauthorized() {
    assertError(
        device.register(
            scope, "nobody", TestTokens.token(TestTokens.VECTOR_KEY, scope, "nobody"), "{}"),
        401,
        401002);
  }

  @Test
  void expiredTokenIsUnauthorized() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("expired-1", TestTokens.VECTOR_KEY));
    long anHourAgo = Instant.now().getEpochSecond() - 3600;

    assertError(
        device.register(
            scope,
            "expired-1",
            TestTokens.token(TestTokens.VECTOR_KEY, scope, "expired-1", anHourAgo),
            "{}"),
        401,
        401002);
  }

  @Test
  void missingOrGarbledAuthorizationIsUnauthorized() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("no-auth-1", TestTokens.VECTOR_KEY));

    assertError(device.register(scope, "no-auth-1", null, "{}"), 401, 401002);
    assertError(
        device.register(scope, "no-auth-1", "SharedAccessSignature garbage", "{}"), 401, 401002);
  }

  @Test
  void pollNeedsValidTokenToo() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("poll-auth-1", TestTokens.VECTOR_KEY));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "poll-auth-1");
    String operationId =
        json(device.register(scope, "poll-auth-1", token, "{}")).get("operationId").asText();

    assertError(device.poll(scope, "poll-auth-1", operationId, null), 401, 401002);
    assertError(
        device.poll(
            scope,
            "poll-auth-1",
            operationId,
            TestTokens.token(TestTokens.OTHER_KEY, scope, "poll-auth-1")),
        401,
        401002);
  }

  @Test
  void invalidRegistrationIdIsBadRequestBeforeAuthentication() {
    assertError(device.register(scope, "bad%21id", null, "{}"), 400, 400003);
    assertError(device.register(scope, "ends-with-dot.", null, "{}"), 400, 400003);
    assertError(device.register(scope, "a".repeat(129), null, "{}"), 400, 400003);
    // 128 characters is fine: it fails later, at authentication.
    assertError(device.register(scope, "a".repeat(128), null, "{}"), 401, 401002);
  }

  @Test
  void malformedJsonIsBadRequest() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("bad-json-1", TestTokens.VECTOR_KEY));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "bad-json-1");

    assertError(device.register(scope, "bad-json-1", token, "{\"registrationId\":"), 400, 400001);
    assertError(
        device.register(scope, "bad-json-1", token, "{\"registrationId\":\"someone-else\"}"),
        400,
        400002);
  }

  @Test
  void unknownOperationIsNotFound() {
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("op-1", TestTokens.VECTOR_KEY));

    assertError(
        device.poll(
            scope,
            "op-1",
            "4.0000000000000000.unknown",
            TestTokens.token(TestTokens.VECTOR_KEY, scope, "op-1")),
        404,
        404002);
  }

  @Test
  void wrongIdScopeIsNotFound() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("scope-1", TestTokens.VECTOR_KEY));

    assertError(
        device.register(
            "0ne99999999",
            "scope-1",
            TestTokens.token(TestTokens.VECTOR_KEY, "0ne99999999", "scope-1"),
            "{}"),
        404,
        404001);
  }

  @Test
  void unknownPathIsNotFoundAndWrongMethodNotAllowed() {
    assertError(device.send(device.request("nothing/here").GET().build()), 404, 404000);
    assertError(
        device.send(device.request(scope + "/registrations/dev/register/extra").GET().build()),
        404,
        404000);

    HttpResponse<String> wrongMethod =
        device.send(device.request(scope + "/registrations/dev/register").GET().build());
    assertError(wrongMethod, 405, 405000);
    assertEquals("PUT", wrongMethod.headers().firstValue("Allow").orElse(""));
    assertError(
        device.send(device.request(scope + "/registrations/dev/operations/x").DELETE().build()),
        405,
        405000);
  }

  @Test
  void malformedPercentEscapeIsBadRequest() {
    String response =
        device.sendRaw(
            "PUT", "/" + scope + "/registrations/dev%zz/register?api-version=2021-06-01");

    assertTrue(response.startsWith("HTTP/1.1 400 "), response);
    assertTrue(response.contains("\"errorCode\":400000"), response);
    assertTrue(response.toLowerCase(Locale.ROOT).contains("x-ms-error-code: 400000"), response);
  }

  @Test
  void disabledEnrollmentReportsDisabledOnPoll() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("disabled-1", TestTokens.VECTOR_KEY).disabled());

    JsonNode result =
        registerAndPoll("disabled-1", TestTokens.token(TestTokens.VECTOR_KEY, scope, "disabled-1"));

    assertEquals("disabled", result.get("status").asText());
    JsonNode state = result.get("registrationState");
    assertEquals("disabled-1", state.get("registrationId").asText());
    assertEquals("disabled", state.get("status").asText());
    assertEquals(403001, state.get("errorCode").asInt());
    assertFalse(state.get("errorMessage").asText().isEmpty());
    assertTrue(state.get("lastUpdatedDateTimeUtc").asText().matches(TIMESTAMP_PATTERN));
    assertFalse(state.has("assignedHub"));
    assertTrue(emulator.registry().registration("disabled-1").isEmpty());
  }

  @Test
  void injectedThrottlingCarriesRetryAfter() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("throttled-1", TestTokens.VECTOR_KEY));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "throttled-1");
    emulator.faults().failNext(1, 429, 7);

    HttpResponse<String> throttled = device.register(scope, "throttled-1", token, "{}");

    assertError(throttled, 429, 429001);
    assertEquals("7", throttled.headers().firstValue("Retry-After").orElse(""));
    assertEquals(202, device.register(scope, "throttled-1", token, "{}").statusCode());
  }

  @Test
  void droppedConnectionCutsTheResponseMidwayThenRecovers() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("dropped-1", TestTokens.VECTOR_KEY));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "dropped-1");
    emulator.faults().dropNext(1);

    RuntimeException cut =
        assertThrows(
            RuntimeException.class, () -> device.register(scope, "dropped-1", token, "{}"));

    assertTrue(
        cut.getCause() instanceof java.io.IOException, "the client saw the connection go: " + cut);
    assertTrue(
        emulator
            .requestLog()
            .entries()
            .contains(
                new RequestLog.Entry("PUT", "/" + scope + "/registrations/dropped-1/register", 0)),
        "the log records the dropped request with status 0");
    assertEquals(202, device.register(scope, "dropped-1", token, "{}").statusCode());
  }

  @Test
  void requestLogCountsEveryAnsweredRequest() {
    long before = emulator.requestLog().count();

    device.register(scope, "logged-1", null, "{}");
    device.send(device.request("nothing").GET().build());

    assertEquals(before + 2, emulator.requestLog().count());
    List<RequestLog.Entry> entries = emulator.requestLog().entries();
    assertEquals(new RequestLog.Entry("GET", "/nothing", 404), entries.get(entries.size() - 1));
    assertEquals(
        new RequestLog.Entry("PUT", "/" + scope + "/registrations/logged-1/register", 401),
        entries.get(entries.size() - 2));
  }

  @Test
  void servesTls12AndTls13() {
    for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
      DeviceClient pinned = new DeviceClient(emulator.httpsEndpoint(), emulator.caFile(), protocol);
      assertError(pinned.register(scope, "tls-1", null, "{}"), 401, 401002);
    }
  }

  @Test
  void repeatedRegistrationKeepsCreationTimeAndRenewsEtag() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("again-1", TestTokens.VECTOR_KEY));
    String token = TestTokens.token(TestTokens.VECTOR_KEY, scope, "again-1");

    JsonNode first = registerAndPoll("again-1", token).get("registrationState");
    JsonNode second = registerAndPoll("again-1", token).get("registrationState");

    assertEquals(first.get("createdDateTimeUtc"), second.get("createdDateTimeUtc"));
    assertEquals(first.get("assignedHub"), second.get("assignedHub"));
    assertNotEquals(first.get("etag"), second.get("etag"));
  }

  @Test
  void closeReleasesThePortAndThreads() throws IOException {
    long threadsBefore = eventLoopThreads();
    DpsEmulator other = DpsEmulator.start(EmulatorConfig.defaults());
    int port = other.httpsEndpoint().getPort();
    Path caFile = other.caFile();
    DeviceClient.assertError(new DeviceClient(other).register("x", "y", null, "{}"), 404, 404001);

    other.close();
    other.close();

    assertThrows(ConnectException.class, () -> connect(port));
    assertFalse(Files.exists(caFile), "temporary state is removed");
    assertEquals(threadsBefore, eventLoopThreads(), "no event loop thread left");
  }

  private static long eventLoopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("dps-emulator-https"))
        .count();
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
    }
  }

  private static JsonNode registerAndPoll(String registrationId, String token) {
    HttpResponse<String> registered = device.register(scope, registrationId, token, "{}");
    assertEquals(202, registered.statusCode(), registered::body);
    String operationId = json(registered).get("operationId").asText();
    HttpResponse<String> polled = device.poll(scope, registrationId, operationId, token);
    assertEquals(200, polled.statusCode(), polled::body);
    return json(polled);
  }

  private static String signature(String signedResource, long expiry) {
    return TestTokens.signature(TestTokens.VECTOR_KEY, signedResource, expiry);
  }
}
