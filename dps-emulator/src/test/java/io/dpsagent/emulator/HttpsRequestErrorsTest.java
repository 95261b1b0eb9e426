package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Malformed and misdirected HTTPS device requests: the status and error code of each. */
class HttpsRequestErrorsTest extends EmulatorFixture {

  // 400004 "Invalid RegistrationId", as the real service answers (azure-iot-sdk-c #405).
  @Test
  void invalidRegistrationIdIsBadRequestBeforeAuthentication() {
    assertError(device.register(scope, "bad%21id", null, "{}"), 400, 400004);
    assertError(device.register(scope, "ends-with-dot.", null, "{}"), 400, 400004);
    assertError(device.register(scope, "a".repeat(129), null, "{}"), 400, 400004);
    assertError(device.register(scope, "_starts-special", null, "{}"), 400, 400004);
    HttpResponse<String> invalid = device.register(scope, ".dev", null, "{}");
    assertTrue(
        DeviceClient.json(invalid).path("message").asText().startsWith("Invalid RegistrationId"));
    // 128 characters is fine: it fails later, at authentication.
    assertError(device.register(scope, "a".repeat(128), null, "{}"), 401, 401002);
  }

  @Test
  void malformedJsonIsBadRequest() {
    String token = enrollWithVectorKey("bad-json-1");

    assertError(device.register(scope, "bad-json-1", token, "{\"registrationId\":"), 400, 400001);
    assertError(
        device.register(scope, "bad-json-1", token, "{\"registrationId\":\"someone-else\"}"),
        400,
        400002);
  }

  @Test
  void unknownOperationIsNotFound() {
    enrollWithVectorKey("op-1");

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
    enrollWithVectorKey("scope-1");

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
}
