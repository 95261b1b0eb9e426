package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.OperationCounts;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The rules DPS's service enforces, over the service API: enrollment group IDs, the device ID a
 * registration keeps, optimistic concurrency, bulk operations, what is billed, and the request ID
 * and paging headers.
 */
class ServiceRulesTest extends ServiceApiFixture {

  private static final String SYMMETRIC = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
  private static final Map<String, String> ANY_ETAG = Map.of("If-Match", "*");

  // ---- enrollment group IDs (item 2)

  @Test
  void groupIdsFollowTheIdRules() {
    assertEquals(200, putGroup("a".repeat(128)).statusCode());
    for (String invalid : List.of("a".repeat(129), "g$x", "g.", "g_", "has space")) {
      HttpResponse<String> refused = putGroup(invalid);
      assertError(refused, 400, 400100);
      assertTrue(
          json(refused).get("message").asText().contains("enrollmentGroupId must be 1 to 128"),
          refused::body);
    }
    assertError(service.send("GET", "/enrollmentGroups/g$x", null), 404, 404203);
  }

  @Test
  void groupIdsAreCaseInsensitive() {
    HttpResponse<String> created = putGroup("CaseGrp");
    assertEquals(200, created.statusCode(), created::body);

    // One group: a second create in other case is a replacement, which needs If-Match.
    assertError(putGroup("casegrp"), 409, 409201);
    HttpResponse<String> read = service.send("GET", "/enrollmentGroups/CASEGRP", null);
    assertEquals(200, read.statusCode(), read::body);
    assertEquals("CaseGrp", json(read).get("enrollmentGroupId").asText());
    JsonNode all = json(service.send("POST", "/enrollmentGroups/query", "{\"query\":\"*\"}"));
    assertEquals(
        1,
        IntStream.range(0, all.size())
            .filter(i -> all.get(i).get("enrollmentGroupId").asText().equalsIgnoreCase("casegrp"))
            .count());

    HttpResponse<String> line = putGroup("line-3");
    assertEquals(200, line.statusCode(), line::body);
    assertEquals(200, service.send("GET", "/enrollmentGroups/LINE-3", null).statusCode());
    String groupKey = json(line).at("/attestation/symmetricKey/primaryKey").asText();
    JsonNode registered =
        Registrations.register(
            device, scope, "line-3-dev", TestTokens.deriveDeviceKey(groupKey, "line-3-dev"));
    assertEquals("assigned", registered.get("status").asText(), registered::toString);
    HttpResponse<String> records =
        service.send("POST", "/registrations/LINE-3/query", "{\"query\":\"*\"}");
    assertEquals(200, records.statusCode(), records::body);
    assertEquals("line-3-dev", json(records).at("/0/registrationId").asText());
    assertEquals(204, service.send("DELETE", "/enrollmentGroups/Line-3", null).statusCode());
    assertError(service.send("GET", "/enrollmentGroups/line-3", null), 404, 404203);
  }

  // ---- the device ID a registration keeps (item 3)

  @Test
  void caseOfARegistrationNeverRenamesTheDevice() {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("CASE-DEV", TestTokens.VECTOR_KEY));

    JsonNode first = Registrations.register(device, scope, "CASE-DEV", TestTokens.VECTOR_KEY);
    JsonNode second = Registrations.register(device, scope, "case-dev", TestTokens.VECTOR_KEY);

    assertEquals("CASE-DEV", first.at("/registrationState/deviceId").asText(), first::toString);
    assertEquals("CASE-DEV", second.at("/registrationState/deviceId").asText(), second::toString);
    assertEquals("CASE-DEV", second.at("/registrationState/registrationId").asText());
    JsonNode record = json(service.send("GET", "/registrations/case-dev", null));
    assertEquals("CASE-DEV", record.get("registrationId").asText());
    assertEquals("CASE-DEV", record.get("deviceId").asText());
  }

  @Test
  void groupDeviceKeepsTheFormItFirstRegisteredWith() {
    HttpResponse<String> group = putGroup("case-group");
    String groupKey = json(group).at("/attestation/symmetricKey/primaryKey").asText();

    JsonNode first =
        Registrations.register(
            device, scope, "Grp-Dev", TestTokens.deriveDeviceKey(groupKey, "Grp-Dev"));
    JsonNode second =
        Registrations.register(
            device, scope, "GRP-DEV", TestTokens.deriveDeviceKey(groupKey, "GRP-DEV"));

    assertEquals("Grp-Dev", first.at("/registrationState/deviceId").asText(), first::toString);
    assertEquals("Grp-Dev", second.at("/registrationState/deviceId").asText(), second::toString);
    assertEquals(
        "Grp-Dev",
        json(service.send("GET", "/registrations/grp-dev", null)).get("deviceId").asText());
  }

  // ---- optimistic concurrency (item 5)

  @Test
  void replacingNeedsIfMatch() {
    String body = "{\"registrationId\":\"occ-1\",\"attestation\":{\"type\":\"symmetricKey\"}}";
    String etag = service.putOk("/enrollments/occ-1", body).get("etag").asText();

    HttpResponse<String> blind = service.send("PUT", "/enrollments/occ-1", body);
    assertError(blind, 409, 409201);
    assertTrue(json(blind).get("message").asText().contains("If-Match"), blind::body);
    assertEquals(etag, json(service.send("GET", "/enrollments/occ-1", null)).get("etag").asText());

    HttpResponse<String> matched =
        service.send("PUT", "/enrollments/occ-1", body, service.token(), Map.of("If-Match", etag));
    assertEquals(200, matched.statusCode(), matched::body);
    HttpResponse<String> any =
        service.send("PUT", "/enrollments/occ-1", body, service.token(), ANY_ETAG);
    assertEquals(200, any.statusCode(), any::body);

    assertEquals(200, putGroup("occ-g").statusCode());
    assertError(putGroup("occ-g"), 409, 409201);
    HttpResponse<String> groupAny =
        service.send("PUT", "/enrollmentGroups/occ-g", SYMMETRIC, service.token(), ANY_ETAG);
    assertEquals(200, groupAny.statusCode(), groupAny::body);
  }

  @Test
  void ifNoneMatchAnyOnlyCreates() {
    Map<String, String> createOnly = Map.of("If-None-Match", "*");
    String body = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
    HttpResponse<String> created =
        service.send("PUT", "/enrollments/inm-1", body, service.token(), createOnly);
    assertEquals(200, created.statusCode(), created::body);

    assertError(
        service.send("PUT", "/enrollments/inm-1", body, service.token(), createOnly), 412, 412001);
    assertEquals(
        200,
        service
            .send("PUT", "/enrollmentGroups/inm-g", body, service.token(), createOnly)
            .statusCode());
    assertError(
        service.send("PUT", "/enrollmentGroups/inm-g", body, service.token(), createOnly),
        412,
        412001);
    assertError(
        service.send(
            "PUT", "/enrollments/inm-1", body, service.token(), Map.of("If-None-Match", "\"e\"")),
        400,
        400100);
  }

  @Test
  void replacingWithoutIfMatchIsAllowedWhenConfigured() throws IOException {
    EmulatorConfig lenient = config().toBuilder().servicePutRequiresIfMatch(false).build();
    try (DpsEmulator own = DpsEmulator.start(lenient)) {
      ServiceClient client = new ServiceClient(own);
      assertEquals(200, client.send("PUT", "/enrollments/lenient-1", SYMMETRIC).statusCode());
      assertEquals(200, client.send("PUT", "/enrollments/lenient-1", SYMMETRIC).statusCode());
      assertEquals(200, client.send("PUT", "/enrollmentGroups/lenient-g", SYMMETRIC).statusCode());
      assertEquals(200, client.send("PUT", "/enrollmentGroups/lenient-g", SYMMETRIC).statusCode());
    }
  }

  // ---- bulk operations (item 6)

  @Test
  void bulkModesAreReadInAnyCase() {
    HttpResponse<String> created =
        service.send(
            "POST", "/enrollments", bulk("create", "enrollments", "registrationId", "bm-1"));
    assertTrue(json(created).get("isSuccessful").asBoolean(), created::body);
    String etag = json(service.send("GET", "/enrollments/bm-1", null)).get("etag").asText();

    // The specification's and Java SDK's spelling, then the Node SDK's, each with a stale etag.
    for (String mode : List.of("updateIfMatchETag", "updateIfMatchEtag", "UPDATEIFMATCHETAG")) {
      HttpResponse<String> stale =
          service.send("POST", "/enrollments", bulkWithEtag(mode, "bm-1", "\"stale\""));
      assertEquals(200, stale.statusCode(), stale::body);
      assertFalse(json(stale).get("isSuccessful").asBoolean(), stale::body);
      assertEquals(412001, json(stale).at("/errors/0/errorCode").asInt(), stale::body);
      assertEquals("bm-1", json(stale).at("/errors/0/registrationId").asText());
    }
    HttpResponse<String> matched =
        service.send("POST", "/enrollments", bulkWithEtag("updateIfMatchETag", "bm-1", etag));
    assertTrue(json(matched).get("isSuccessful").asBoolean(), matched::body);
    assertTrue(
        json(service.send(
                "POST", "/enrollments", bulk("Delete", "enrollments", "registrationId", "bm-1")))
            .get("isSuccessful")
            .asBoolean());

    HttpResponse<String> unknown =
        service.send("POST", "/enrollments", bulk("upsert", "enrollments", "registrationId", "x"));
    assertError(unknown, 400, 400100);
    assertTrue(json(unknown).get("message").asText().contains("updateIfMatchETag"));
  }

  @Test
  void groupBulkOperation() {
    HttpResponse<String> created =
        service.send(
            "POST",
            "/enrollmentGroups",
            bulk("create", "enrollmentGroups", "enrollmentGroupId", "bg-1", "bg-2"));
    assertEquals(200, created.statusCode(), created::body);
    assertTrue(json(created).get("isSuccessful").asBoolean(), created::body);
    assertEquals(200, service.send("GET", "/enrollmentGroups/BG-2", null).statusCode());

    HttpResponse<String> again =
        service.send(
            "POST",
            "/enrollmentgroups",
            bulk("create", "enrollmentGroups", "enrollmentGroupId", "bg-1", "bad$id"));
    assertFalse(json(again).get("isSuccessful").asBoolean(), again::body);
    assertEquals("bg-1", json(again).at("/errors/0/enrollmentGroupId").asText());
    assertEquals(409201, json(again).at("/errors/0/errorCode").asInt());
    assertEquals("bad$id", json(again).at("/errors/1/enrollmentGroupId").asText());
    assertEquals(400100, json(again).at("/errors/1/errorCode").asInt());

    HttpResponse<String> deleted =
        service.send(
            "POST",
            "/enrollmentGroups",
            bulk("delete", "enrollmentGroups", "enrollmentGroupId", "bg-1", "bg-2", "bg-none"));
    assertEquals(404203, json(deleted).at("/errors/0/errorCode").asInt(), deleted::body);
    assertEquals(1, json(deleted).get("errors").size());
    assertError(service.send("GET", "/enrollmentGroups/bg-1", null), 404, 404203);
    assertError(service.send("GET", "/enrollmentGroups", null), 405, 405000);
  }

  @Test
  void bulkAcceptsAtMostTenItems() {
    String[] ten = IntStream.range(0, 10).mapToObj(i -> "ten-" + i).toArray(String[]::new);
    String[] eleven = IntStream.range(0, 11).mapToObj(i -> "eleven-" + i).toArray(String[]::new);
    HttpResponse<String> tenOk =
        service.send("POST", "/enrollments", bulk("create", "enrollments", "registrationId", ten));
    assertTrue(json(tenOk).get("isSuccessful").asBoolean(), tenOk::body);

    HttpResponse<String> tooMany =
        service.send(
            "POST", "/enrollments", bulk("create", "enrollments", "registrationId", eleven));
    assertError(tooMany, 400, 400100);
    assertTrue(json(tooMany).get("message").asText().contains("at most 10"), tooMany::body);
    assertError(service.send("GET", "/enrollments/eleven-0", null), 404, 404202);
    String[] groups = IntStream.range(0, 11).mapToObj(i -> "eg-" + i).toArray(String[]::new);
    assertError(
        service.send(
            "POST",
            "/enrollmentGroups",
            bulk("create", "enrollmentGroups", "enrollmentGroupId", groups)),
        400,
        400100);
  }

  // ---- billing (item 7)

  @Test
  void onlySuccessfulRegistrationsAreBilled() throws IOException {
    try (DpsEmulator own = DpsEmulator.start(config())) {
      own.registry()
          .addIndividualEnrollment(
              IndividualEnrollment.symmetricKey("bill-ok", TestTokens.VECTOR_KEY));
      own.registry()
          .addIndividualEnrollment(
              IndividualEnrollment.symmetricKey("bill-off", TestTokens.VECTOR_KEY).disabled());
      DeviceClient ownDevice = new DeviceClient(own);

      JsonNode ok =
          Registrations.register(ownDevice, own.idScope(), "bill-ok", TestTokens.VECTOR_KEY);
      JsonNode off =
          Registrations.register(ownDevice, own.idScope(), "bill-off", TestTokens.VECTOR_KEY);
      assertEquals("assigned", ok.get("status").asText());
      assertEquals("disabled", off.get("status").asText());

      assertEquals(new OperationCounts(1, 0, 2, 0, 0, 0, 1), own.operations());
      JsonNode counts = json(new ServiceClient(own).send("GET", "/emulator/operations", null));
      assertEquals(3, counts.get("total").asLong());
      assertEquals(1, counts.get("failedRegistrations").asLong());
    }
  }

  // ---- headers (item 8)

  @Test
  void everyAnswerCarriesARequestId() {
    HttpResponse<String> created = putGroup("rid-g");
    String requestId = created.headers().firstValue("x-ms-request-id").orElse("");
    assertTrue(requestId.matches("[0-9a-f-]{36}"), requestId);
    HttpResponse<String> missing = service.send("GET", "/enrollments/rid-none", null);
    assertEquals(
        json(missing).get("trackingId").asText(),
        missing.headers().firstValue("x-ms-request-id").orElse(""));
    HttpResponse<String> unauthorized =
        service.send("GET", "/enrollments/rid-none", null, null, Map.of());
    assertError(unauthorized, 401, 401002);

    // The device API too: an error's tracking ID (checked by assertError), or a fresh one.
    assertError(device.register(scope, "rid-device", null, "{}"), 401, 401002);
    String token = enrollWithVectorKey("rid-device");
    HttpResponse<String> started =
        device.register(scope, "rid-device", token, "{\"registrationId\":\"rid-device\"}");
    assertEquals(202, started.statusCode(), started::body);
    assertTrue(started.headers().firstValue("x-ms-request-id").orElse("").matches("[0-9a-f-]{36}"));
  }

  @Test
  void queriesAnswerTheirPageSize() {
    putGroup("page-a");
    putGroup("page-b");
    HttpResponse<String> page =
        service.send(
            "POST",
            "/enrollmentGroups/query",
            "{\"query\":\"*\"}",
            service.token(),
            Map.of("x-ms-max-item-count", "1"));
    assertEquals(200, page.statusCode(), page::body);
    assertEquals("1", page.headers().firstValue("x-ms-max-item-count").orElse(""));
    assertTrue(page.headers().firstValue("x-ms-continuation").isPresent());
    HttpResponse<String> all = service.send("POST", "/enrollmentGroups/query", "{\"query\":\"*\"}");
    assertEquals(
        Integer.toString(json(all).size()),
        all.headers().firstValue("x-ms-max-item-count").orElse(""));
    assertFalse(all.headers().firstValue("x-ms-continuation").isPresent());
  }

  // ---- static default and CA references (item 10)

  @Test
  void staticDefaultRefusesAnEnrollmentWithoutItsHub() throws IOException {
    EmulatorConfig staticDefault =
        config().toBuilder().allocationPolicy(AllocationPolicy.STATIC).build();
    try (DpsEmulator own = DpsEmulator.start(staticDefault)) {
      ServiceClient client = new ServiceClient(own);
      HttpResponse<String> refused = client.send("PUT", "/enrollments/static-1", SYMMETRIC);
      assertError(refused, 400, 400100);
      assertTrue(
          json(refused).get("message").asText().contains("default allocation policy is static"),
          refused::body);
      assertError(client.send("PUT", "/enrollmentGroups/static-g", SYMMETRIC), 400, 400100);

      String withHub =
          "{\"attestation\":{\"type\":\"symmetricKey\"},\"iotHubs\":[\""
              + HUB_2.hostName()
              + "\"]}";
      assertEquals(200, client.send("PUT", "/enrollments/static-2", withHub).statusCode());
      String key =
          json(client.send("GET", "/enrollments/static-2", null))
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      JsonNode result =
          Registrations.register(new DeviceClient(own), own.idScope(), "static-2", key);
      assertEquals(HUB_2.hostName(), result.at("/registrationState/assignedHub").asText());
    }
  }

  @Test
  void caReferencesAreRefusedWithTheReason() {
    HttpResponse<String> refused =
        service.send(
            "PUT",
            "/enrollmentGroups/ca-ref",
            "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"caReferences\":{\"primary\":\"my-ca\"}}}}");
    assertError(refused, 400, 400100);
    assertTrue(
        json(refused).get("message").asText().contains("no store of uploaded CA certificates"),
        refused::body);
  }

  @Test
  void registrationIdsMayNotStartWithASpecialCharacter() {
    assertError(service.send("PUT", "/enrollments/-dev", SYMMETRIC), 400, 400100);
    assertError(service.send("PUT", "/enrollments/.dev", SYMMETRIC), 400, 400100);
    assertEquals(200, service.send("PUT", "/enrollments/dev-", SYMMETRIC).statusCode());
  }

  private HttpResponse<String> putGroup(String id) {
    return service.send(
        "PUT", "/enrollmentGroups/" + URLEncoder.encode(id, StandardCharsets.UTF_8), SYMMETRIC);
  }

  private static String bulk(String mode, String field, String idField, String... ids) {
    return "{\"mode\":\""
        + mode
        + "\",\""
        + field
        + "\":["
        + Arrays.stream(ids)
            .map(
                id ->
                    "{\""
                        + idField
                        + "\":\""
                        + id
                        + "\",\"attestation\":{\"type\":\"symmetricKey\"}}")
            .collect(Collectors.joining(","))
        + "]}";
  }

  private static String bulkWithEtag(String mode, String id, String etag) {
    return "{\"mode\":\""
        + mode
        + "\",\"enrollments\":[{\"registrationId\":\""
        + id
        + "\",\"etag\":"
        + TextNode.valueOf(etag)
        + ",\"attestation\":{\"type\":\"symmetricKey\"}}]}";
  }
}
