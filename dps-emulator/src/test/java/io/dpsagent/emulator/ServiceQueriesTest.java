package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.registry.OperationCounts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Service API queries, operation counts and request rules; the counting tests use an emulator of
 * their own, to see every item.
 */
class ServiceQueriesTest extends ServiceApiFixture {

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
  void operationCountsAreExposed() throws IOException {
    try (DpsEmulator own = DpsEmulator.start(config())) {
      ServiceClient client = new ServiceClient(own);
      DeviceClient ownDevice = new DeviceClient(own);
      String enrollment =
          "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
              + TestTokens.VECTOR_KEY
              + "\"}}}";
      String group = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
      // Replacing needs If-Match, as with the real service.
      Map<String, String> replace = Map.of("If-Match", "*");
      client.send("PUT", "/enrollments/count-1", enrollment);
      client.send("PUT", "/enrollments/count-1", enrollment, client.token(), replace);
      client.send("PUT", "/enrollments/count-2", enrollment);
      client.send("PUT", "/enrollmentGroups/count-g", group);
      client.send("PUT", "/enrollmentGroups/count-g", group, client.token(), replace);
      client.send("PUT", "/enrollmentGroups/count-g", group, client.token(), replace);
      Registrations.register(ownDevice, own.idScope(), "count-1", TestTokens.VECTOR_KEY);
      Registrations.register(ownDevice, own.idScope(), "count-1", TestTokens.VECTOR_KEY);
      Registrations.register(ownDevice, own.idScope(), "count-2", TestTokens.VECTOR_KEY);
      // Failed authentication is no operation.
      ownDevice.register(
          own.idScope(),
          "count-2",
          TestTokens.token(TestTokens.OTHER_KEY, own.idScope(), "count-2"),
          "{}");

      assertEquals(new OperationCounts(2, 1, 2, 1, 1, 2, 0), own.operations());
      HttpResponse<String> counts = client.send("GET", "/emulator/operations", null);
      assertEquals(200, counts.statusCode(), counts::body);
      assertEquals(
          "{\"deviceRegistrations\":2,\"deviceReregistrations\":1,\"enrollmentAdds\":2,"
              + "\"enrollmentUpdates\":1,\"enrollmentGroupAdds\":1,\"enrollmentGroupUpdates\":2,"
              + "\"total\":9,\"failedRegistrations\":0}",
          counts.body());
    }
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
