package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.emulator.device.ApiVersions;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec makes {@code api-version} a required query parameter of every device operation; the
 * emulator serves the versions of its table and answers anything else as the real service answered
 * an unknown version (Azure/iotedge#4112): 400, errorCode 400004, "Unsupported API version V.".
 */
class ApiVersionTest extends EmulatorFixture {

  @Test
  void everyVersionOfTheTableRegisters() {
    enrollWithVectorKey("api-version-table");
    for (String version : ApiVersions.DEVICE_API.keySet()) {
      HttpResponse<String> response = register("api-version-table", "?api-version=" + version);
      assertEquals(202, response.statusCode(), version + ": " + response.body());
    }
  }

  @Test
  void aMissingApiVersionIs400004() {
    enrollWithVectorKey("api-version-missing");
    for (String query : List.of("", "?api-version=", "?other=2021-06-01")) {
      HttpResponse<String> response = register("api-version-missing", query);
      assertError(response, 400, 400004);
      assertEquals("The api-version is missing.", json(response).get("message").asText(), query);
    }
  }

  @Test
  void anUnknownOrGarbageApiVersionIs400004NamingIt() {
    enrollWithVectorKey("api-version-unknown");
    for (String version : List.of("2019-04-15", "2018-11-01", "latest", "2021-06-01x")) {
      HttpResponse<String> response = register("api-version-unknown", "?api-version=" + version);
      assertError(response, 400, 400004);
      assertEquals(
          "Unsupported API version " + version + ".", json(response).get("message").asText());
    }
  }

  @Test
  void theVersionIsCheckedBeforeCredentials() {
    // A device without a valid token learns about its api-version first, as the check order says.
    HttpResponse<String> response =
        device.send(
            device
                .requestTo("/" + scope + "/registrations/never-enrolled/register?api-version=1.0")
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertError(response, 400, 400004);
  }

  @Test
  void aPollCarriesTheVersionToo() {
    enrollWithVectorKey("api-version-poll");
    String operationId =
        json(register("api-version-poll", "?api-version=2021-06-01")).get("operationId").asText();
    HttpResponse<String> response =
        device.send(
            device
                .requestTo(
                    "/" + scope + "/registrations/api-version-poll/operations/" + operationId)
                .header("Authorization", vectorKeyToken("api-version-poll"))
                .GET()
                .build());

    assertError(response, 400, 400004);
  }

  private HttpResponse<String> register(String registrationId, String query) {
    return device.send(
        device
            .requestTo("/" + scope + "/registrations/" + registrationId + "/register" + query)
            .header("Authorization", vectorKeyToken(registrationId))
            .PUT(HttpRequest.BodyPublishers.ofString("{}"))
            .build());
  }
}
