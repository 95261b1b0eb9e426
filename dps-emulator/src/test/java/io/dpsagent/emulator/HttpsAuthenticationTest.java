package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SAS authentication of HTTPS device requests: the token spellings SDKs send, and each way to fail.
 */
class HttpsAuthenticationTest extends EmulatorFixture {

  @Test
  void sdkTokenAndPathVariantsAreAccepted() {
    enrollWithVectorKey("variant-1:a");
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
    enrollWithVectorKey("wrong-key-1");

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
    enrollWithVectorKey("expired-1");
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
    enrollWithVectorKey("no-auth-1");

    assertError(device.register(scope, "no-auth-1", null, "{}"), 401, 401002);
    assertError(
        device.register(scope, "no-auth-1", "SharedAccessSignature garbage", "{}"), 401, 401002);
  }

  @Test
  void pollNeedsValidTokenToo() {
    String token = enrollWithVectorKey("poll-auth-1");
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

  private String signature(String signedResource, long expiry) {
    return TestTokens.signature(TestTokens.VECTOR_KEY, signedResource, expiry);
  }
}
