package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.TIMESTAMP_PATTERN;
import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Registration records through the service API: what a registration leaves, read, renewed and
 * deleted.
 */
class ServiceRegistrationRecordsTest extends ServiceApiFixture {

  @Test
  void registrationRecordsAreReadAndDeletedButNeverPut() {
    assertEquals(
        200,
        service
            .send(
                "PUT",
                "/enrollments/record-1",
                "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
                    + TestTokens.VECTOR_KEY
                    + "\"}}}")
            .statusCode());
    JsonNode result =
        Registrations.register(device, emulator.idScope(), "record-1", TestTokens.VECTOR_KEY);
    String expectedHub =
        WeightedHubAllocator.choose("record-1", List.of(HUB_1, HUB_2)).orElseThrow().hostName();
    assertEquals(expectedHub, result.at("/registrationState/assignedHub").asText());

    HttpResponse<String> read = service.send("GET", "/registrations/record-1", null);
    assertEquals(200, read.statusCode(), read::body);
    JsonNode record = json(read);
    assertEquals("record-1", record.get("registrationId").asText());
    assertEquals("record-1", record.get("deviceId").asText());
    assertEquals(expectedHub, record.get("assignedHub").asText());
    assertEquals("assigned", record.get("status").asText());
    assertEquals("initialAssignment", record.get("substatus").asText());
    assertEquals(result.at("/registrationState/etag").asText(), record.get("etag").asText());
    assertTrue(record.get("createdDateTimeUtc").asText().matches(TIMESTAMP_PATTERN));

    HttpResponse<String> enrollment = service.send("GET", "/enrollments/record-1", null);
    assertEquals(expectedHub, json(enrollment).at("/registrationState/assignedHub").asText());

    HttpResponse<String> put = service.send("PUT", "/registrations/record-1", record.toString());
    assertError(put, 405, 405000);
    assertEquals("GET, DELETE", put.headers().firstValue("Allow").orElse(""));
    assertError(service.send("POST", "/registrations/record-1", "{}"), 405, 405000);

    JsonNode again =
        Registrations.register(device, emulator.idScope(), "record-1", TestTokens.VECTOR_KEY);
    JsonNode reread = json(service.send("GET", "/registrations/record-1", null));
    assertNotEquals(record.get("etag"), reread.get("etag"));
    assertEquals(again.at("/registrationState/etag").asText(), reread.get("etag").asText());
    assertEquals(record.get("createdDateTimeUtc"), reread.get("createdDateTimeUtc"));

    assertError(
        service.send(
            "DELETE",
            "/registrations/record-1",
            null,
            service.token(),
            Map.of("If-Match", record.get("etag").asText())),
        412,
        412001);
    assertEquals(204, service.send("DELETE", "/registrations/record-1", null).statusCode());
    assertError(service.send("GET", "/registrations/record-1", null), 404, 404201);
    assertError(service.send("DELETE", "/registrations/record-1", null), 404, 404201);
  }

  @Test
  void disabledEnrollmentDisablesTheDevice() {
    service.send(
        "PUT",
        "/enrollments/off-1",
        "{\"provisioningStatus\":\"disabled\",\"attestation\":{\"type\":\"symmetricKey\","
            + "\"symmetricKey\":{\"primaryKey\":\""
            + TestTokens.VECTOR_KEY
            + "\"}}}");

    JsonNode result =
        Registrations.register(device, emulator.idScope(), "off-1", TestTokens.VECTOR_KEY);

    assertEquals("disabled", result.get("status").asText());
    assertEquals(403001, result.at("/registrationState/errorCode").asInt());
    assertError(service.send("GET", "/registrations/off-1", null), 404, 404201);
  }
}
