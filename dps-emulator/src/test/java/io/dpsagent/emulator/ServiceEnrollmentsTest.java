package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.TIMESTAMP_PATTERN;
import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Enrollments and groups through the service API: create, read, replace with etags, delete, bulk,
 * and what it refuses.
 */
class ServiceEnrollmentsTest extends ServiceApiFixture {

  @Test
  void individualEnrollmentLifecycleWithEtags() {
    String body =
        "{\"registrationId\":\"crud-1\",\"deviceId\":\"crud-device\",\"attestation\":{\"type\":"
            + "\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
            + TestTokens.VECTOR_KEY
            + "\",\"secondaryKey\":\""
            + TestTokens.OTHER_KEY
            + "\"}},\"iotHubs\":[\"hub-2.azure-devices.net\"],\"initialTwin\":{\"tags\":{\"site\":"
            + "\"north\"},\"properties\":{\"desired\":{\"interval\":30}}},\"capabilities\":{"
            + "\"iotEdge\":true}}";

    JsonNode enrollment = service.putOk("/enrollments/crud-1", body);

    assertEquals("crud-1", enrollment.get("registrationId").asText());
    assertEquals("crud-device", enrollment.get("deviceId").asText());
    assertEquals("symmetricKey", enrollment.at("/attestation/type").asText());
    assertEquals(
        TestTokens.VECTOR_KEY, enrollment.at("/attestation/symmetricKey/primaryKey").asText());
    assertEquals(
        TestTokens.OTHER_KEY, enrollment.at("/attestation/symmetricKey/secondaryKey").asText());
    assertEquals("hub-2.azure-devices.net", enrollment.at("/iotHubs/0").asText());
    assertEquals("hub-2.azure-devices.net", enrollment.get("iotHubHostName").asText());
    assertEquals("north", enrollment.at("/initialTwin/tags/site").asText());
    assertEquals(30, enrollment.at("/initialTwin/properties/desired/interval").asInt());
    assertEquals("enabled", enrollment.get("provisioningStatus").asText());
    assertTrue(enrollment.at("/reprovisionPolicy/updateHubAssignment").asBoolean());
    assertTrue(enrollment.at("/reprovisionPolicy/migrateDeviceData").asBoolean());
    assertTrue(enrollment.at("/capabilities/iotEdge").asBoolean());
    assertFalse(enrollment.has("allocationPolicy"));
    assertTrue(enrollment.get("createdDateTimeUtc").asText().matches(TIMESTAMP_PATTERN));
    String etag = enrollment.get("etag").asText();

    HttpResponse<String> read = service.send("GET", "/enrollments/CRUD-1", null);
    assertEquals(200, read.statusCode(), read::body);
    assertEquals(etag, json(read).get("etag").asText());

    HttpResponse<String> stale =
        service.send(
            "PUT", "/enrollments/crud-1", body, service.token(), Map.of("If-Match", "\"nope\""));
    assertError(stale, 412, 412001);

    HttpResponse<String> updated =
        service.send(
            "PUT",
            "/enrollments/crud-1",
            body.replace("\"iotHubs\"", "\"provisioningStatus\":\"disabled\",\"iotHubs\""),
            service.token(),
            Map.of("If-Match", etag));
    assertEquals(200, updated.statusCode(), updated::body);
    String newEtag = json(updated).get("etag").asText();
    assertNotEquals(etag, newEtag);
    assertEquals("disabled", json(updated).get("provisioningStatus").asText());
    assertEquals(enrollment.get("createdDateTimeUtc"), json(updated).get("createdDateTimeUtc"));

    assertError(
        service.send(
            "DELETE", "/enrollments/crud-1", null, service.token(), Map.of("If-Match", etag)),
        412,
        412001);
    HttpResponse<String> deleted =
        service.send(
            "DELETE", "/enrollments/crud-1", null, service.token(), Map.of("If-Match", newEtag));
    assertEquals(204, deleted.statusCode(), deleted::body);
    assertEquals("", deleted.body());
    assertError(service.send("GET", "/enrollments/crud-1", null), 404, 404202);
    assertError(service.send("DELETE", "/enrollments/crud-1", null), 404, 404202);
  }

  @Test
  void omittedKeysAreGeneratedAndWorkForTheDevice() {
    JsonNode created =
        service.putOk(
            "/enrollments/generated-1",
            "{\"registrationId\":\"generated-1\",\"attestation\":{\"type\":\"symmetricKey\"}}");

    String primary = created.at("/attestation/symmetricKey/primaryKey").asText();
    String secondary = created.at("/attestation/symmetricKey/secondaryKey").asText();
    assertEquals(64, Base64.getDecoder().decode(primary).length);
    assertEquals(64, Base64.getDecoder().decode(secondary).length);
    assertNotEquals(primary, secondary);

    JsonNode result = Registrations.register(device, emulator.idScope(), "generated-1", secondary);
    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals("generated-1", result.at("/registrationState/deviceId").asText());

    HttpResponse<String> mechanism =
        service.send("POST", "/enrollments/generated-1/attestationmechanism", null);
    assertEquals(200, mechanism.statusCode(), mechanism::body);
    assertEquals(primary, json(mechanism).at("/symmetricKey/primaryKey").asText());
  }

  @Test
  void enrollmentGroupLifecycleAndDerivedDeviceKeys() {
    String body =
        "{\"enrollmentGroupId\":\"group-a\",\"attestation\":{\"type\":\"symmetricKey\","
            + "\"symmetricKey\":{\"primaryKey\":\""
            + TestTokens.VECTOR_GROUP_KEY
            + "\"}},\"allocationPolicy\":\"static\",\"iotHubs\":[\"hub-1.azure-devices.net\"],"
            + "\"reprovisionPolicy\":{\"updateHubAssignment\":false,\"migrateDeviceData\":false}}";

    JsonNode group = service.putOk("/enrollmentGroups/group-a", body);

    assertEquals("group-a", group.get("enrollmentGroupId").asText());
    assertEquals("static", group.get("allocationPolicy").asText());
    assertFalse(group.at("/reprovisionPolicy/updateHubAssignment").asBoolean());
    assertEquals(
        TestTokens.VECTOR_GROUP_KEY, group.at("/attestation/symmetricKey/primaryKey").asText());

    JsonNode result =
        Registrations.register(
            device,
            emulator.idScope(),
            "group-a-member",
            TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "group-a-member"));
    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals("hub-1.azure-devices.net", result.at("/registrationState/assignedHub").asText());
    assertEquals("group-a-member", result.at("/registrationState/deviceId").asText());
    assertEquals(
        "group-a", result.at("/registrationState/symmetricKey/enrollmentGroupId").asText());

    // The path and casing one SDK uses for attestation mechanisms.
    HttpResponse<String> mechanism =
        service.send("POST", "/enrollmentgroups/group-a/attestationmechanism", null);
    assertEquals(200, mechanism.statusCode(), mechanism::body);
    assertEquals("symmetricKey", json(mechanism).get("type").asText());

    HttpResponse<String> records =
        service.send("POST", "/registrations/group-a/query", "{\"query\":\"*\"}");
    assertEquals(200, records.statusCode(), records::body);
    assertEquals("deviceRegistration", records.headers().firstValue("x-ms-item-type").orElse(""));
    assertEquals(1, json(records).size());
    assertEquals("group-a-member", json(records).at("/0/registrationId").asText());
    assertError(
        service.send("POST", "/registrations/no-such-group/query", "{\"query\":\"*\"}"),
        404,
        404203);

    assertEquals(204, service.send("DELETE", "/enrollmentGroups/group-a", null).statusCode());
    assertError(service.send("GET", "/enrollmentGroups/group-a", null), 404, 404203);
  }

  @Test
  void staticPolicyWithoutExactlyOneHubIsABadRequest() {
    String twoHubs =
        "{\"attestation\":{\"type\":\"symmetricKey\"},\"allocationPolicy\":\"static\","
            + "\"iotHubs\":[\"hub-1.azure-devices.net\",\"hub-2.azure-devices.net\"]}";
    String noHub = "{\"attestation\":{\"type\":\"symmetricKey\"},\"allocationPolicy\":\"static\"}";

    assertError(service.send("PUT", "/enrollments/static-bad", twoHubs), 400, 400100);
    assertError(service.send("PUT", "/enrollments/static-bad", noHub), 400, 400100);
    assertError(service.send("PUT", "/enrollmentGroups/static-bad", noHub), 400, 400100);
    assertError(service.send("GET", "/enrollments/static-bad", null), 404, 404202);
  }

  private static final String KEY = "\"attestation\":{\"type\":\"symmetricKey\"}";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{not json",
        "{\"registrationId\":\"other\"," + KEY + "}",
        "{\"deviceId\":\"no spaces\"," + KEY + "}",
        "{\"iotHubs\":[\"unlinked.azure-devices.net\"]," + KEY + "}",
        "{\"allocationPolicy\":\"custom\"," + KEY + "}",
        "{\"allocationPolicy\":\"nearest\"," + KEY + "}",
        "{\"attestation\":{\"type\":\"tpm\"}}",
        "{}"
      })
  void invalidEnrollmentsAreBadRequests(String body) {
    assertError(service.send("PUT", "/enrollments/bad-1", body), 400, 400100);
  }

  @Test
  void anInvalidRegistrationIdInTheUrlIsABadRequest() {
    assertError(service.send("PUT", "/enrollments/bad%20id", "{" + KEY + "}"), 400, 400100);
  }

  @Test
  void bulkOperationCreatesAndDeletes() {
    String create =
        "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":\"bulk-1\",\"attestation\":"
            + "{\"type\":\"symmetricKey\"}},{\"registrationId\":\"bulk-2\",\"attestation\":"
            + "{\"type\":\"symmetricKey\"}}]}";

    HttpResponse<String> created = service.send("POST", "/enrollments", create);

    assertEquals(200, created.statusCode(), created::body);
    assertTrue(json(created).get("isSuccessful").asBoolean(), created::body);
    assertEquals(200, service.send("GET", "/enrollments/bulk-2", null).statusCode());
    HttpResponse<String> again = service.send("POST", "/enrollments", create);
    assertFalse(json(again).get("isSuccessful").asBoolean());
    assertEquals(409201, json(again).at("/errors/0/errorCode").asInt());
    assertEquals("bulk-1", json(again).at("/errors/0/registrationId").asText());

    HttpResponse<String> deleted =
        service.send("POST", "/enrollments", create.replace("\"create\"", "\"delete\""));
    assertTrue(json(deleted).get("isSuccessful").asBoolean(), deleted::body);
    assertError(service.send("GET", "/enrollments/bulk-1", null), 404, 404202);
  }
}
