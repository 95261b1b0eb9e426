package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.tpm.TestTpmKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol logic without a network: body quirks, delayed assignment, async failures. */
class DeviceApiTest {

  private static final String SCOPE = "0ne00ABCDEF";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.1234567Z");
  private static final LinkedHub HUB = LinkedHub.withHostName("hub-1.azure-devices.net");

  private final Registry registry = new Registry(SCOPE, List.of(HUB));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{}",
        "{\"registrationId\":\"dev-1\"}",
        "{\"registrationId\":\"DEV-1\",\"payload\":null}",
        "{\"registrationId\":\"dev-1\",\"payload\":{\"modelId\":\"dtmi:x;1\"}}",
        "{\"registrationId\":\"dev-1\",\"payload\":\"{\\\"modelId\\\":\\\"dtmi:x;1\\\"}\"}",
        "{\"registrationId\":\"dev-1\",\"tpm\":{\"endorsementKey\":\"AA==\"},\"future\":1}"
      })
  void acceptsTheBodiesSdksSend(String body) {
    DeviceApi api = api(ProtocolSettings.defaults());
    enroll("dev-1");

    DeviceReply reply = api.register(request("dev-1"), bytes(body));

    assertEquals(202, reply.status(), reply.body()::toString);
    assertEquals(OptionalInt.of(3), reply.retryAfterSeconds());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{not json",
        "[]",
        "\"dev-1\"",
        "{\"registrationId\":42}",
        "{\"registrationId\":\"dev-1\",\"payload\":[1]}",
        "{\"registrationId\":\"dev-1\",\"payload\":\"not json\"}",
        "{\"registrationId\":\"dev-1\",\"payload\":\"[1]\"}"
      })
  void rejectsMalformedBodies(String body) {
    DeviceApi api = api(ProtocolSettings.defaults());
    enroll("dev-1");

    assertError(api.register(request("dev-1"), bytes(body)), DeviceError.INVALID_REQUEST_BODY);
  }

  @Test
  void rejectsBodyForAnotherRegistration() {
    DeviceApi api = api(ProtocolSettings.defaults());
    enroll("dev-1");

    DeviceReply reply = api.register(request("dev-1"), bytes("{\"registrationId\":\"dev-2\"}"));

    assertError(reply, DeviceError.REGISTRATION_ID_MISMATCH);
  }

  @Test
  void revealsResultAfterConfiguredPolls() {
    DeviceApi api =
        api(new ProtocolSettings(7, 2, Duration.ZERO, false, ApiVersionPolicy.SUPPORTED));
    enroll("dev-1");
    String operationId =
        api.register(request("dev-1"), bytes("{}")).body().get("operationId").asText();

    for (int i = 0; i < 2; i++) {
      DeviceReply pending = api.poll(request("dev-1"), operationId);
      assertEquals(202, pending.status());
      assertEquals(OptionalInt.of(7), pending.retryAfterSeconds());
      assertEquals("assigning", pending.body().get("status").asText());
      assertEquals("dev-1", pending.body().at("/registrationState/registrationId").asText());
      assertEquals("assigning", pending.body().at("/registrationState/status").asText());
    }
    DeviceReply done = api.poll(request("dev-1"), operationId);
    assertEquals(200, done.status());
    assertEquals(OptionalInt.empty(), done.retryAfterSeconds());
    assertEquals("assigned", done.body().get("status").asText());
    assertEquals(done.body(), api.poll(request("dev-1"), operationId).body());
  }

  @Test
  void enrollmentWithoutUsableHubFailsAsynchronously() {
    DeviceApi api = api(ProtocolSettings.defaults());
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("dev-1", TestTokens.VECTOR_KEY)
            .withIotHubs(List.of("unlinked.azure-devices.net")));
    String operationId =
        api.register(request("dev-1"), bytes("{}")).body().get("operationId").asText();

    DeviceReply reply = api.poll(request("dev-1"), operationId);

    assertEquals(200, reply.status());
    JsonNode body = reply.body();
    assertEquals(operationId, body.get("operationId").asText());
    assertEquals("failed", body.get("status").asText());
    assertEquals(400208, body.at("/registrationState/errorCode").asInt());
    assertEquals(
        "2026-03-01T12:00:00.1234567Z",
        body.at("/registrationState/lastUpdatedDateTimeUtc").asText());
    assertFalse(body.at("/registrationState/errorMessage").asText().isEmpty());
    assertTrue(registry.registration("dev-1").isEmpty());
  }

  @Test
  void operationOfAnotherRegistrationIsNotFound() {
    DeviceApi api = api(ProtocolSettings.defaults());
    enroll("dev-1");
    enroll("dev-2");
    String operationId =
        api.register(request("dev-1"), bytes("{}")).body().get("operationId").asText();

    assertError(api.poll(request("dev-2"), operationId), DeviceError.OPERATION_NOT_FOUND);
    assertEquals(200, api.poll(request("DEV-1"), operationId).status());
  }

  @Test
  void injectedFaultsComeFirstAndRunOut() {
    Faults faults = new Faults();
    DeviceApi api = new DeviceApi(registry, ProtocolSettings.defaults(), faults, clock());
    enroll("dev-1");
    faults.failNext(2, 503);

    DeviceReply first = api.register(request("dev-1"), bytes("{}"));
    DeviceReply second = api.register(request("dev-1"), bytes("{}"));
    DeviceReply third = api.register(request("dev-1"), bytes("{}"));

    assertEquals(503, first.status());
    assertEquals(OptionalInt.of(503001), first.errorCode());
    assertEquals(OptionalInt.empty(), first.retryAfterSeconds());
    assertEquals(503, second.status());
    assertEquals(202, third.status());
    assertEquals(0, faults.remaining());
  }

  @Test
  void tpmAttestationIsRefusedOverMqttWithItsOwnMessage() {
    DeviceApi api = api(ProtocolSettings.defaults());
    byte[] ek = TestTpmKeys.ekPublic(TestTpmKeys.rsa2048());
    registry.addIndividualEnrollment(IndividualEnrollment.tpm("tpm-1", ek));
    String body =
        "{\"tpm\":{\"endorsementKey\":\""
            + Base64.getEncoder().encodeToString(ek)
            + "\",\"storageRootKey\":\""
            + Base64.getEncoder().encodeToString(ek)
            + "\"}}";
    DeviceRequest overMqtt =
        new DeviceRequest(
            SCOPE,
            "tpm-1",
            Optional.of("2021-06-01"),
            Optional.empty(),
            List.of(),
            DeviceTransport.MQTT);

    DeviceReply reply = api.register(overMqtt, bytes(body));

    assertError(reply, DeviceError.TPM_OVER_MQTT);
    assertEquals(DeviceError.TPM_OVER_MQTT.message(), reply.body().get("message").asText());
    DeviceReply overHttps =
        api.register(
            new DeviceRequest(SCOPE, "tpm-1", Optional.of("2021-06-01"), Optional.empty()),
            bytes(body));
    assertEquals(401, overHttps.status());
    assertEquals("registration", overHttps.body().get("keyName").asText());
  }

  @Test
  void aRequestWithoutCredentialsOrTpmKeysStaysUnauthorized() {
    DeviceApi api = api(ProtocolSettings.defaults());
    registry.addIndividualEnrollment(
        IndividualEnrollment.tpm("tpm-1", TestTpmKeys.ekPublic(TestTpmKeys.rsa2048())));

    assertError(
        api.register(
            new DeviceRequest(SCOPE, "tpm-1", Optional.of("2021-06-01"), Optional.empty()),
            bytes("{\"registrationId\":\"tpm-1\"}")),
        DeviceError.UNAUTHORIZED);
  }

  private DeviceApi api(ProtocolSettings settings) {
    return new DeviceApi(registry, settings, new Faults(), clock());
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  private void enroll(String registrationId) {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY));
  }

  private static DeviceRequest request(String registrationId) {
    return request(registrationId, Optional.of("2021-06-01"));
  }

  private static DeviceRequest request(String registrationId, Optional<String> apiVersion) {
    String token =
        TestTokens.token(TestTokens.VECTOR_KEY, SCOPE, registrationId, NOW.getEpochSecond() + 60);
    return new DeviceRequest(SCOPE, registrationId, apiVersion, Optional.of(token));
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertError(DeviceReply reply, DeviceError error) {
    assertEquals(error.httpStatus(), reply.status(), reply.body()::toString);
    assertEquals(OptionalInt.of(error.errorCode()), reply.errorCode());
    assertEquals(error.errorCode(), reply.body().get("errorCode").asInt());
  }
}
