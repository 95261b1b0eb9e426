package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.tpm.TestTpmKeys;
import io.dpsagent.emulator.tpm.Tpm2Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TPM attestation over HTTPS end to end: java.net.http for the requests, a real TPM (swtpm driven
 * by tpm2-tools) for everything a TPM device does with the blobs and its SAS signatures.
 */
class TpmAttestationHttpsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final int MAX_POLLS = 10;

  private static Tpm2Tools tpm;
  private static byte[] ek;
  private static byte[] srk;
  private static DpsEmulator emulator;
  private static DeviceClient device;
  private static String scope;

  @BeforeAll
  static void start() throws Exception {
    tpm = Tpm2Tools.start();
    tpm.createEndorsementAndStorageRootKeys();
    ek = tpm.readPublic("0x81010001");
    srk = tpm.readPublic("0x81000001");
    emulator = DpsEmulator.start(EmulatorConfig.builder().retryAfterSeconds(1).build());
    device = new DeviceClient(emulator);
    scope = emulator.idScope();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (emulator != null) {
        emulator.close();
      }
    } finally {
      if (tpm != null) {
        tpm.close();
      }
    }
  }

  @Test
  void registersWithTheChallengeKeyAndReceivesTheHubDeviceKey() throws Exception {
    String id = "tpm-device-01";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));

    HttpResponse<String> challenge = device.register(scope, id, null, body(id, ek, srk));
    assertChallenge(challenge);
    tpm.importActivationBlob(authenticationKey(json(challenge).path("authenticationKey")));
    String token = tpmToken(id);

    HttpResponse<String> registered = device.register(scope, id, token, body(id, ek, srk));
    assertEquals(202, registered.statusCode(), registered::body);
    JsonNode result = pollUntilDone(id, json(registered).path("operationId").asText(), token);
    assertEquals("assigned", result.path("status").asText(), result::toString);
    JsonNode state = result.path("registrationState");
    assertEquals(id, state.path("registrationId").asText());
    assertEquals(id, state.path("deviceId").asText());
    assertEquals(EmulatorConfig.DEFAULT_HUB, state.path("assignedHub").asText());
    assertFalse(state.has("symmetricKey"), state::toString);

    // The second blob carries the hub device key the record keeps: the TPM now signs with it.
    tpm.importActivationBlob(authenticationKey(state.path("tpm").path("authenticationKey")));
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();
    HmacKey hubKey = record.tpmDeviceKey().orElseThrow();
    byte[] data =
        "hub-1.azure-devices.net%2Fdevices%2Ftpm-device-01\n1767225600"
            .getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(hubKey.mac(data), tpm.hmac(data));

    // ... and it is nowhere in the service API.
    HttpResponse<String> serviceView =
        new ServiceClient(emulator).send("GET", "/registrations/" + id, null);
    assertEquals(200, serviceView.statusCode(), serviceView::body);
    assertFalse(serviceView.body().contains(hubKey.toBase64()));
    assertFalse(serviceView.body().contains("tpmDeviceKey"));
  }

  @Test
  void theStatusLookupAcceptsTheTokenOfTheActivatedKey() throws Exception {
    String id = "tpm-device-lookup";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));
    HttpResponse<String> challenge = device.register(scope, id, null, body(id, ek, srk));
    tpm.importActivationBlob(authenticationKey(json(challenge).path("authenticationKey")));
    String token = tpmToken(id);
    HttpResponse<String> registered = device.register(scope, id, token, body(id, ek, srk));
    pollUntilDone(id, json(registered).path("operationId").asText(), token);

    HttpResponse<String> response = StatusLookupTest.lookup(device, scope, id, token, "{}");

    assertEquals(200, response.statusCode(), response::body);
    JsonNode state = json(response);
    assertEquals(id, state.path("deviceId").asText());
    assertEquals("assigned", state.path("status").asText());
    // No second key blob: the record's hub device key went to the device with the register answer.
    assertEquals("{}", state.path("tpm").toString());
    assertFalse(state.has("symmetricKey"), state::toString);
    assertEquals(
        401, StatusLookupTest.lookup(device, scope, id, null, body(id, ek, srk)).statusCode());
  }

  @Test
  void onlyTheNewestChallengeKeyIsAccepted() throws Exception {
    String id = "tpm-device-newest";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));
    tpm.importActivationBlob(challengeBlob(id));
    String oldToken = tpmToken(id);
    byte[] newer = challengeBlob(id);

    assertError(device.register(scope, id, oldToken, body(id, ek, srk)), 401, 401002);
    tpm.importActivationBlob(newer);
    assertEquals(202, device.register(scope, id, tpmToken(id), body(id, ek, srk)).statusCode());
  }

  @Test
  void aDisabledEnrollmentEndsDisabledAfterAuthentication() throws Exception {
    String id = "tpm-device-disabled";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek).disabled());
    tpm.importActivationBlob(challengeBlob(id));
    String token = tpmToken(id);
    HttpResponse<String> registered = device.register(scope, id, token, body(id, ek, srk));
    assertEquals(202, registered.statusCode(), registered::body);
    JsonNode result = pollUntilDone(id, json(registered).path("operationId").asText(), token);
    assertEquals("disabled", result.path("status").asText());
    assertEquals(403001, result.path("registrationState").path("errorCode").asInt());
  }

  @Test
  void anotherEndorsementKeyIsUnauthorized() {
    String id = "tpm-device-wrong-ek";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));
    byte[] otherEk = TestTpmKeys.ekPublic(TestTpmKeys.rsa2048());
    assertError(device.register(scope, id, null, body(id, otherEk, srk)), 401, 401002);
  }

  @Test
  void anUnknownTpmRegistrationIsNotFound() {
    HttpResponse<String> response =
        device.register(scope, "tpm-nobody", null, body("tpm-nobody", ek, srk));
    assertError(response, 404, 404201);
  }

  @Test
  void aSymmetricKeyEnrollmentRefusesTpmAttestation() {
    String id = "tpm-device-symmetric";
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, TestTokens.VECTOR_KEY));
    assertError(device.register(scope, id, null, body(id, ek, srk)), 401, 401002);
  }

  @Test
  void wrongOrGarbledTokensAfterTheChallengeAreUnauthorized() {
    String id = "tpm-device-bad-sas";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));
    assertChallenge(device.register(scope, id, null, body(id, ek, srk)));
    String wrongKey = TestTokens.token(TestTokens.VECTOR_KEY, scope, id);
    assertError(device.register(scope, id, wrongKey, body(id, ek, srk)), 401, 401002);
    String garbled =
        "SharedAccessSignature sr=" + scope + "%2Fregistrations%2F" + id + "&sig=%%&se=1";
    assertError(device.register(scope, id, garbled, body(id, ek, srk)), 401, 401002);
    assertError(device.poll(scope, id, "4.0.unknown", wrongKey), 401, 401002);
  }

  @Test
  void malformedTpmKeysAreBadRequests() {
    String id = "tpm-device-malformed";
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.tpm(id, ek));
    HttpResponse<String> garbage =
        device.register(scope, id, null, body(id, new byte[] {0, 3, 1, 2, 3}, srk));
    assertError(garbage, 400, 400006);
    assertTrue(
        json(garbage)
            .path("message")
            .asText()
            .endsWith("tpm.endorsementKey: type must be RSA (0x0001) (got 0x0102)."),
        garbage::body);

    ObjectNode notBase64 = (ObjectNode) parse(body(id, ek, srk));
    ((ObjectNode) notBase64.path("tpm")).put("endorsementKey", "***");
    HttpResponse<String> response = device.register(scope, id, null, notBase64.toString());
    assertError(response, 400, 400006);
    assertTrue(
        json(response).path("message").asText().endsWith("tpm.endorsementKey is not base64."));

    ObjectNode noSrk = (ObjectNode) parse(body(id, ek, srk));
    ((ObjectNode) noSrk.path("tpm")).remove("storageRootKey");
    response = device.register(scope, id, null, noSrk.toString());
    assertError(response, 400, 400006);
    assertTrue(json(response).path("message").asText().endsWith("tpm.storageRootKey is missing."));
  }

  private static void assertChallenge(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response::body);
    JsonNode body = json(response);
    assertEquals("registration", body.path("keyName").asText());
    assertFalse(body.path("message").asText().isEmpty());
    assertFalse(body.has("status"), response::body);
    assertFalse(body.has("errorCode"), response::body);
    assertTrue(response.headers().firstValue("x-ms-error-code").isEmpty());
    assertTrue(body.path("authenticationKey").asText().length() > 900, response::body);
  }

  private static byte[] challengeBlob(String id) {
    HttpResponse<String> challenge = device.register(scope, id, null, body(id, ek, srk));
    assertChallenge(challenge);
    return authenticationKey(json(challenge).path("authenticationKey"));
  }

  private static byte[] authenticationKey(JsonNode node) {
    assertTrue(node.isTextual(), String.valueOf(node));
    return Base64.getDecoder().decode(node.textValue());
  }

  /** A SAS token as TPM clients build it: the HMAC comes from the TPM's key at 0x81000100. */
  private static String tpmToken(String id) throws Exception {
    String sr = PercentEncoding.encode(scope + "/registrations/" + id, HexCase.UPPER);
    long expiry = Instant.now().getEpochSecond() + 3600;
    byte[] signature = tpm.hmac((sr + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + PercentEncoding.encode(BASE64.encodeToString(signature), HexCase.UPPER)
        + "&se="
        + expiry
        + "&skn=registration";
  }

  private static JsonNode pollUntilDone(String id, String operationId, String token)
      throws InterruptedException {
    for (int i = 0; i < MAX_POLLS; i++) {
      HttpResponse<String> poll = device.poll(scope, id, operationId, token);
      if (poll.statusCode() == 200) {
        return json(poll);
      }
      assertEquals(202, poll.statusCode(), poll::body);
      Thread.sleep(100);
    }
    throw new AssertionError("still assigning after " + MAX_POLLS + " polls");
  }

  private static String body(String id, byte[] endorsementKey, byte[] storageRootKey) {
    ObjectNode body = JSON.createObjectNode();
    body.put("registrationId", id);
    ObjectNode keys = body.putObject("tpm");
    keys.put("endorsementKey", BASE64.encodeToString(endorsementKey));
    keys.put("storageRootKey", BASE64.encodeToString(storageRootKey));
    return body.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
