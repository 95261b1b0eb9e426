package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.emulator.config.EmulatorConfig;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The service API in strict mode: the versions the SDKs send and the spec defines, and no other.
 */
class ServiceApiVersionTest extends EmulatorFixture {

  @Override
  protected EmulatorConfig config() {
    return EmulatorConfig.defaults().toBuilder().strictApiVersion(true).build();
  }

  @ParameterizedTest(name = "api-version {0} -> {1}")
  @CsvSource({
    "2021-10-01, 200",
    "2025-07-01-preview, 200",
    "2026-04-01, 200",
    "2019-03-31, 200",
    "2099-01-01, 400",
    "garbage, 400"
  })
  void strictModeKnowsThePublishedVersions(String version, int status) {
    HttpResponse<String> response =
        service.send("GET", "/emulator/operations?api-version=" + version, null);
    assertEquals(status, response.statusCode(), response.body());
    if (status == 400) {
      assertEquals(400101, DeviceClient.json(response).get("errorCode").asInt(), response.body());
    }
  }
}
