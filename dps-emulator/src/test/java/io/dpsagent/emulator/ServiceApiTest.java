package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.TIMESTAMP_PATTERN;
import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.OperationCounts;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service API end to end: real TLS on loopback, java.net.http, SAS tokens built here. */
class ServiceApiTest {

  private static final LinkedHub HUB_1 = new LinkedHub("hub-1.azure-devices.net", 1);
  private static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 3);

  private static DpsEmulator emulator;
  private static ServiceClient service;
  private static DeviceClient device;

  @BeforeAll
  static void start() throws IOException {
    emulator = DpsEmulator.start(config());
    service = new ServiceClient(emulator);
    device = new DeviceClient(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static EmulatorConfig config() {
    return EmulatorConfig.builder().linkedHubs(List.of(HUB_1, HUB_2)).retryAfterSeconds(0).build();
  }

  @Test
  void connectionStringNamesHostPortAndOwnerPolicy() {
    String connectionString = emulator.serviceConnectionString();

    assertTrue(
        connectionString.matches(
            "HostName=localhost:[0-9]+;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=.+"),
        "connection string shape");
    assertEquals("localhost:" + emulator.serviceEndpoint().getPort(), service.hostName());
    assertEquals(32, Base64.getDecoder().decode(service.key()).length);
    assertNotEquals(emulator.httpsEndpoint().getPort(), emulator.serviceEndpoint().getPort());
  }

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

    HttpResponse<String> created = service.send("PUT", "/enrollments/crud-1", body);

    assertEquals(200, created.statusCode(), created::body);
    JsonNode enrollment = json(created);
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
    HttpResponse<String> created =
        service.send(
            "PUT",
            "/enrollments/generated-1",
            "{\"registrationId\":\"generated-1\",\"attestation\":{\"type\":\"symmetricKey\"}}");

    assertEquals(200, created.statusCode(), created::body);
    String primary = json(created).at("/attestation/symmetricKey/primaryKey").asText();
    String secondary = json(created).at("/attestation/symmetricKey/secondaryKey").asText();
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

    HttpResponse<String> created = service.send("PUT", "/enrollmentGroups/group-a", body);

    assertEquals(200, created.statusCode(), created::body);
    JsonNode group = json(created);
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
  void queriesPageWithContinuationTokens() throws IOException {
    try (DpsEmulator own = DpsEmulator.start(config())) {
      ServiceClient client = new ServiceClient(own);
      for (int i = 0; i < 5; i++) {
        assertEquals(
            200,
            client
                .send("PUT", "/enrollments/q-" + i, "{\"attestation\":{\"type\":\"symmetricKey\"}}")
                .statusCode());
      }
      List<String> seen = new ArrayList<>();
      String continuation = null;
      int pages = 0;
      do {
        Map<String, String> headers =
            continuation == null
                ? Map.of("x-ms-max-item-count", "2")
                : Map.of("x-ms-max-item-count", "2", "x-ms-continuation", continuation);
        HttpResponse<String> page =
            client.send("POST", "/enrollments/query", "{\"query\":\"*\"}", client.token(), headers);
        assertEquals(200, page.statusCode(), page::body);
        assertEquals("enrollment", page.headers().firstValue("x-ms-item-type").orElse(""));
        json(page).forEach(item -> seen.add(item.get("registrationId").asText()));
        continuation = page.headers().firstValue("x-ms-continuation").orElse(null);
        pages++;
      } while (continuation != null && pages < 10);

      assertEquals(3, pages);
      assertEquals(List.of("q-0", "q-1", "q-2", "q-3", "q-4"), seen);
      HttpResponse<String> all =
          client.send("POST", "/enrollments/query", "{\"query\":\"SELECT * FROM enrollments\"}");
      assertEquals(5, json(all).size());
      assertTrue(all.headers().firstValue("x-ms-continuation").isEmpty());
      assertError(
          client.send(
              "POST",
              "/enrollments/query",
              "{\"query\":\"*\"}",
              client.token(),
              Map.of("x-ms-continuation", "bogus")),
          400,
          400100);
      assertError(
          client.send(
              "POST",
              "/enrollments/query",
              "{\"query\":\"SELECT * FROM enrollments WHERE registrationId = 'q-1'\"}"),
          400,
          400100);
      HttpResponse<String> groups =
          client.send("POST", "/enrollmentGroups/query", "{\"query\":\"*\"}");
      assertEquals(200, groups.statusCode(), groups::body);
      assertEquals("[]", groups.body());
    }
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

  @Test
  void invalidEnrollmentsAreBadRequests() {
    String key = "\"attestation\":{\"type\":\"symmetricKey\"}";
    assertError(service.send("PUT", "/enrollments/bad-1", "{not json"), 400, 400100);
    assertError(
        service.send("PUT", "/enrollments/bad-1", "{\"registrationId\":\"other\"," + key + "}"),
        400,
        400100);
    assertError(
        service.send("PUT", "/enrollments/bad-1", "{\"deviceId\":\"no spaces\"," + key + "}"),
        400,
        400100);
    assertError(
        service.send(
            "PUT",
            "/enrollments/bad-1",
            "{\"iotHubs\":[\"unlinked.azure-devices.net\"]," + key + "}"),
        400,
        400100);
    assertError(
        service.send("PUT", "/enrollments/bad-1", "{\"allocationPolicy\":\"custom\"," + key + "}"),
        400,
        400100);
    assertError(
        service.send("PUT", "/enrollments/bad-1", "{\"allocationPolicy\":\"nearest\"," + key + "}"),
        400,
        400100);
    assertError(
        service.send("PUT", "/enrollments/bad-1", "{\"attestation\":{\"type\":\"tpm\"}}"),
        400,
        400100);
    assertError(service.send("PUT", "/enrollments/bad-1", "{}"), 400, 400100);
    assertError(service.send("PUT", "/enrollments/bad%20id", "{" + key + "}"), 400, 400100);
  }

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

  @Test
  void operationCountsAreExposed() throws IOException {
    try (DpsEmulator own = DpsEmulator.start(config())) {
      ServiceClient client = new ServiceClient(own);
      DeviceClient ownDevice = new DeviceClient(own);
      String enrollment =
          "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
              + TestTokens.VECTOR_KEY
              + "\"}}}";
      String group = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
      client.send("PUT", "/enrollments/count-1", enrollment);
      client.send("PUT", "/enrollments/count-1", enrollment);
      client.send("PUT", "/enrollments/count-2", enrollment);
      client.send("PUT", "/enrollmentGroups/count-g", group);
      client.send("PUT", "/enrollmentGroups/count-g", group);
      client.send("PUT", "/enrollmentGroups/count-g", group);
      Registrations.register(ownDevice, own.idScope(), "count-1", TestTokens.VECTOR_KEY);
      Registrations.register(ownDevice, own.idScope(), "count-1", TestTokens.VECTOR_KEY);
      Registrations.register(ownDevice, own.idScope(), "count-2", TestTokens.VECTOR_KEY);
      // Failed authentication is no operation.
      ownDevice.register(
          own.idScope(),
          "count-2",
          TestTokens.token(TestTokens.OTHER_KEY, own.idScope(), "count-2"),
          "{}");

      assertEquals(new OperationCounts(2, 1, 2, 1, 1, 2), own.operations());
      HttpResponse<String> counts = client.send("GET", "/emulator/operations", null);
      assertEquals(200, counts.statusCode(), counts::body);
      assertEquals(
          "{\"deviceRegistrations\":2,\"deviceReregistrations\":1,\"enrollmentAdds\":2,"
              + "\"enrollmentUpdates\":1,\"enrollmentGroupAdds\":1,\"enrollmentGroupUpdates\":2,"
              + "\"total\":9}",
          counts.body());
    }
  }

  @Test
  void requestsWithoutValidServiceCredentialsAreUnauthorized() {
    long inAnHour = Instant.now().getEpochSecond() + 3600;
    String host = service.hostName();
    String deviceToken = TestTokens.token(TestTokens.VECTOR_KEY, emulator.idScope(), "dev-1");
    String wrongKey =
        ServiceClient.token(host, "provisioningserviceowner", TestTokens.VECTOR_KEY, inAnHour);
    String unknownPolicy = ServiceClient.token(host, "registryReadWrite", service.key(), inAnHour);
    String expired =
        ServiceClient.token(
            host, "provisioningserviceowner", service.key(), Instant.now().getEpochSecond() - 600);
    String otherHost =
        ServiceClient.token(
            "other.azure-devices-provisioning.net",
            "provisioningserviceowner",
            service.key(),
            inAnHour);

    for (String authorization : List.of(deviceToken, wrongKey, unknownPolicy, expired, otherHost)) {
      assertError(
          service.send("GET", "/enrollments/anyone", null, authorization, Map.of()), 401, 401002);
    }
    assertError(service.send("GET", "/enrollments/anyone", null, null, Map.of()), 401, 401002);
    assertError(service.send("GET", "/no/such/path", null, null, Map.of()), 401, 401002);
  }

  @Test
  void acceptsTheResourceSpellingsOfServiceSdks() {
    long inAnHour = Instant.now().getEpochSecond() + 3600;
    String host = service.hostName();
    String encodedLower = PercentEncoding.encode(host.toLowerCase(Locale.ROOT), HexCase.LOWER);
    List<String> tokens =
        List.of(
            ServiceClient.token(encodedLower, "provisioningserviceowner", service.key(), inAnHour),
            ServiceClient.token("localhost", "provisioningserviceowner", service.key(), inAnHour),
            ServiceClient.token(
                host.toUpperCase(Locale.ROOT),
                "provisioningserviceowner",
                service.key(),
                inAnHour));

    for (String authorization : tokens) {
      HttpResponse<String> response =
          service.send("POST", "/enrollments/query", "{\"query\":\"*\"}", authorization, Map.of());
      assertEquals(200, response.statusCode(), response::body);
    }
  }

  @Test
  void deviceEndpointRejectsServiceCredentials() {
    String scope = emulator.idScope();
    service.send(
        "PUT",
        "/enrollments/svc-cred-1",
        "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
            + service.key()
            + "\"}}}");

    // Even an enrollment whose key equals the service key does not make a service token work.
    assertError(device.register(scope, "svc-cred-1", service.token(), "{}"), 401, 401002);
    String policySignedDeviceResource =
        ServiceClient.token(
            PercentEncoding.encode(scope + "/registrations/svc-cred-1", HexCase.UPPER),
            "provisioningserviceowner",
            service.key(),
            Instant.now().getEpochSecond() + 3600);
    assertError(
        device.register(scope, "svc-cred-1", policySignedDeviceResource, "{}"), 401, 401002);
    JsonNode withRegistrationKeyName =
        Registrations.register(device, scope, "svc-cred-1", service.key());
    assertEquals(
        "assigned", withRegistrationKeyName.get("status").asText(), "the key itself works");
  }

  @Test
  void apiVersionIsRequired() {
    assertError(service.send("GET", "/enrollments/x?api-version=", null), 400, 400101);
    assertError(service.send("GET", "/enrollments/x?foo=bar&api-version", null), 400, 400101);
    assertError(service.send("GET", "/enrollments/x?x-api-version=2021-10-01", null), 400, 400101);
  }

  @Test
  void unknownPathsAndMethods() {
    assertError(service.send("GET", "/devices/x", null), 404, 404000);
    HttpResponse<String> post = service.send("POST", "/enrollments/some-id", "{}");
    assertError(post, 405, 405000);
    assertEquals("GET, PUT, DELETE", post.headers().firstValue("Allow").orElse(""));
    assertError(service.send("GET", "/emulator/operations/extra", null), 404, 404000);
  }
}
