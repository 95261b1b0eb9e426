package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.TIMESTAMP_PATTERN;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registration and polling over HTTPS: what an enrolled device is told, and what is recorded. */
class HttpsRegistrationTest extends EmulatorFixture {

  private static final LinkedHub HUB_1 = new LinkedHub("hub-1.azure-devices.net", 1);
  private static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 2);

  @Override
  protected EmulatorConfig config() {
    return EmulatorConfig.builder().linkedHubs(List.of(HUB_1, HUB_2)).build();
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
  void repeatedRegistrationKeepsCreationTimeAndRenewsEtag() {
    String token = enrollWithVectorKey("again-1");

    JsonNode first = registerAndPoll("again-1", token).get("registrationState");
    JsonNode second = registerAndPoll("again-1", token).get("registrationState");

    assertEquals(first.get("createdDateTimeUtc"), second.get("createdDateTimeUtc"));
    assertEquals(first.get("assignedHub"), second.get("assignedHub"));
    assertNotEquals(first.get("etag"), second.get("etag"));
  }

  private JsonNode registerAndPoll(String registrationId, String token) {
    HttpResponse<String> registered = device.register(scope, registrationId, token, "{}");
    assertEquals(202, registered.statusCode(), registered::body);
    String operationId = json(registered).get("operationId").asText();
    HttpResponse<String> polled = device.poll(scope, registrationId, operationId, token);
    assertEquals(200, polled.statusCode(), polled::body);
    return json(polled);
  }
}
