package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.device.DpsTimestamps;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /{idScope}/registrations/{registrationId}} (spec operation {@code
 * RuntimeRegistration_DeviceRegistrationStatusLookup}): 200 with a bare {@code
 * DeviceRegistrationResult} for a registered device that authenticates as for register.
 */
class StatusLookupTest extends EmulatorFixture {

  @Test
  void aRegisteredSymmetricKeyDeviceGetsItsRegistrationState() {
    String id = "lookup-sas";
    String token = registered(id);
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();

    HttpResponse<String> response =
        lookup(device, id, token, "{\"registrationId\":\"" + id + "\"}");

    assertEquals(200, response.statusCode(), response::body);
    JsonNode state = json(response);
    assertEquals(
        List.of(
            "registrationId",
            "createdDateTimeUtc",
            "assignedHub",
            "deviceId",
            "status",
            "substatus",
            "lastUpdatedDateTimeUtc",
            "etag",
            "symmetricKey"),
        fieldNames(state));
    assertEquals(id, state.get("registrationId").asText());
    assertEquals(record.assignedHub(), state.get("assignedHub").asText());
    assertEquals(record.deviceId(), state.get("deviceId").asText());
    assertEquals("assigned", state.get("status").asText());
    assertEquals("initialAssignment", state.get("substatus").asText());
    assertEquals(record.etag(), state.get("etag").asText());
    assertEquals(
        DpsTimestamps.format(record.createdDateTimeUtc()),
        state.get("createdDateTimeUtc").asText());
    assertFalse(state.has("operationId"), "a bare DeviceRegistrationResult, not an operation");
  }

  @Test
  void theLookupNeitherRegistersNorCountsAnOperation() {
    String id = "lookup-read-only";
    String token = registered(id);
    RegistrationRecord before = emulator.registry().registration(id).orElseThrow();
    long operations = emulator.operations().total();

    assertEquals(200, lookup(device, id, token, "{}").statusCode());

    assertEquals(before, emulator.registry().registration(id).orElseThrow());
    assertEquals(operations, emulator.operations().total());
  }

  @Test
  void anEnrolledButUnregisteredDeviceIs404() {
    String token = enrollWithVectorKey("lookup-never-registered");

    assertError(lookup(device, "lookup-never-registered", token, "{}"), 404, 404201);
  }

  @Test
  void badCredentialsAre401WhetherOrNotTheDeviceIsRegistered() {
    String id = "lookup-wrong-key";
    registered(id);
    String wrongKey = TestTokens.token(TestTokens.OTHER_KEY, scope, id);

    assertError(lookup(device, id, wrongKey, "{}"), 401, 401002);
    assertError(lookup(device, id, null, "{}"), 401, 401002);
    assertError(lookup(device, "lookup-nobody", wrongKey, "{}"), 401, 401002);
  }

  @Test
  void aCsrInTheBodyIs400() {
    String id = "lookup-csr";
    String token = registered(id);

    assertError(lookup(device, id, token, "{\"csr\":\"MIIB\"}"), 400, 400001);
  }

  @Test
  void anX509DeviceAuthenticatesWithItsCertificate() throws Exception {
    TestPki.Leaf leaf = enrollSelfSignedX509("lookup-x509");
    DeviceClient x509 =
        new DeviceClient(
            emulator.httpsEndpoint(), TestTls.withClientCertificate(emulator.caFile(), leaf));
    assertEquals(202, x509.register(scope, "lookup-x509", null, "{}").statusCode());

    HttpResponse<String> response = lookup(x509, "lookup-x509", null, "{}");

    assertEquals(200, response.statusCode(), response::body);
    JsonNode state = json(response);
    assertEquals("assigned", state.get("status").asText());
    assertEquals(
        X509AttestationTest.thumbprint("SHA-256", leaf.certificate()),
        state.at("/x509/certificateInfo/sha256Thumbprint").asText());
    assertFalse(state.has("symmetricKey"), state::toString);
  }

  @Test
  void otherMethodsAre405NamingPost() {
    HttpResponse<String> response =
        device.send(device.request(scope + "/registrations/lookup-get").GET().build());

    assertError(response, 405, 405000);
    assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void theApiVersionIsRequired() {
    String id = "lookup-no-version";
    enrollWithVectorKey(id);
    HttpResponse<String> response =
        device.send(
            device
                .requestTo("/" + scope + "/registrations/" + id)
                .header("Authorization", vectorKeyToken(id))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

    assertError(response, 400, 400004);
  }

  /** Enrolls and registers {@code id}; returns its SAS token. */
  private String registered(String id) {
    String token = enrollWithVectorKey(id);
    assertEquals(202, device.register(scope, id, token, "{}").statusCode());
    return token;
  }

  private HttpResponse<String> lookup(
      DeviceClient client, String registrationId, String authorization, String body) {
    return lookup(client, scope, registrationId, authorization, body);
  }

  /** The status lookup; {@code authorization} null sends none. */
  static HttpResponse<String> lookup(
      DeviceClient client,
      String idScope,
      String registrationId,
      String authorization,
      String body) {
    HttpRequest.Builder request =
        client
            .request(idScope + "/registrations/" + registrationId)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build());
  }

  private static List<String> fieldNames(JsonNode node) {
    return X509AttestationTest.fieldNames(node);
  }
}
