package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** Registers a symmetric-key device and polls until DPS answers with a terminal result. */
public final class Registrations {

  private static final int MAX_POLLS = 200;
  private static final long POLL_PAUSE_MILLIS = 25;

  private Registrations() {}

  /** The final {@code RegistrationOperationStatus} body (status 200). */
  public static JsonNode register(
      DeviceClient device, String idScope, String registrationId, String deviceKey, String body) {
    String token = TestTokens.token(deviceKey, idScope, registrationId);
    HttpResponse<String> started = device.register(idScope, registrationId, token, body);
    assertEquals(202, started.statusCode(), started::body);
    String operationId = DeviceClient.json(started).get("operationId").asText();
    for (int i = 0; i < MAX_POLLS; i++) {
      HttpResponse<String> polled = device.poll(idScope, registrationId, operationId, token);
      if (polled.statusCode() == 200) {
        return DeviceClient.json(polled);
      }
      assertEquals(202, polled.statusCode(), polled::body);
      pause();
    }
    throw new AssertionError("no result after " + MAX_POLLS + " polls");
  }

  public static JsonNode register(
      DeviceClient device, String idScope, String registrationId, String deviceKey) {
    return register(
        device,
        idScope,
        registrationId,
        deviceKey,
        "{\"registrationId\":\"" + registrationId + "\"}");
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
