package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.device.Fault;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultRule;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /emulator/faults} on the service listener: install, read and remove a fault plan. */
class FaultsServiceApiTest extends EmulatorFixture {

  private static final String PLAN =
      "{\"seed\":7,\"rules\":["
          + "{\"requests\":\"register\",\"transport\":\"https\",\"registrationId\":\"svc-1\","
          + "\"script\":[\"503\",\"429:2\"]},"
          + "{\"requests\":\"poll\",\"probability\":0.25,\"faults\":[\"reset\",\"delay:100\"]}]}";

  @Test
  void aPutPlanGovernsTheDeviceApiAndGetShowsWhatIsLeft() {
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("svc-1", TestTokens.VECTOR_KEY));
    HttpResponse<String> put = service.send("PUT", "/emulator/faults", PLAN);

    assertEquals(200, put.statusCode(), put.body());
    assertEquals(
        FaultPlan.of(
            7,
            FaultRule.scripted(List.of(Fault.parse("503"), Fault.parse("429:2")))
                .onlyFor(io.dpsagent.emulator.device.RequestKind.REGISTER)
                .onlyOver(io.dpsagent.emulator.device.DeviceTransport.HTTPS)
                .onlyForDevice("svc-1"),
            FaultRule.random(0.25, List.of(Fault.parse("reset"), Fault.parse("delay:100")))
                .onlyFor(io.dpsagent.emulator.device.RequestKind.POLL)),
        emulator.faults().plan());
    String token = TestTokens.token(TestTokens.VECTOR_KEY, emulator.idScope(), "svc-1");
    assertEquals(503, device.register(emulator.idScope(), "svc-1", token, "{}").statusCode());

    JsonNode shown = DeviceClient.json(service.send("GET", "/emulator/faults", null));

    assertEquals(7, shown.get("seed").asLong());
    JsonNode script = shown.get("rules").get(0);
    assertEquals("register", script.get("requests").asText());
    assertEquals("https", script.get("transport").asText());
    assertEquals("svc-1", script.get("registrationId").asText());
    assertEquals("[\"503\",\"429:2\"]", script.get("script").toString());
    assertEquals(1, script.get("scriptLeft").asInt());
    JsonNode random = shown.get("rules").get(1);
    assertEquals("any", random.get("transport").asText());
    assertEquals(0.25, random.get("probability").asDouble());
    assertEquals("[\"reset\",\"delay:100\"]", random.get("faults").toString());
    assertEquals("{\"503\":1}", shown.get("injected").toString());
  }

  @Test
  void deleteRemovesThePlan() {
    service.send("PUT", "/emulator/faults", PLAN);

    HttpResponse<String> deleted = service.send("DELETE", "/emulator/faults", null);

    assertEquals(204, deleted.statusCode());
    assertEquals(FaultPlan.NONE, emulator.faults().plan());
    assertEquals(
        "[]",
        DeviceClient.json(service.send("GET", "/emulator/faults", null)).get("rules").toString());
  }

  @Test
  void anInvalidPlanIsRefusedNamingTheKeyAndChangesNothing() {
    emulator.faults().install(FaultPlan.of(1, FaultRule.scripted(List.of(Fault.parse("reset")))));
    String bad = "{\"rules\":[{\"probability\":1.5,\"faults\":[\"503\"]}]}";

    HttpResponse<String> refused = service.send("PUT", "/emulator/faults", bad);

    assertEquals(400, refused.statusCode());
    assertTrue(
        DeviceClient.json(refused)
            .get("message")
            .asText()
            .endsWith("rules[0].probability: must be a number from 0 to 1"),
        refused.body());
    assertEquals(1, emulator.faults().plan().seed());
    HttpResponse<String> unknownFault =
        service.send("PUT", "/emulator/faults", "{\"rules\":[{\"script\":[\"boom\"]}]}");
    assertTrue(
        unknownFault.body().contains("rules[0].script[0]: must be a status 400..599"),
        unknownFault.body());
  }

  @Test
  void needsTheServiceCredentialsLikeEveryServiceRoute() {
    HttpResponse<String> anonymous = service.send("PUT", "/emulator/faults", PLAN, null, Map.of());
    HttpResponse<String> wrongKey =
        service.send(
            "GET",
            "/emulator/faults",
            null,
            ServiceClient.token(
                service.hostName(),
                "provisioningserviceowner",
                TestTokens.OTHER_KEY,
                java.time.Instant.now().getEpochSecond() + 60),
            Map.of());

    assertEquals(401, anonymous.statusCode());
    assertEquals(401, wrongKey.statusCode());
    assertEquals(FaultPlan.NONE, emulator.faults().plan());
  }

  @Test
  void otherMethodsAreNotAllowed() {
    HttpResponse<String> post = service.send("POST", "/emulator/faults", PLAN);

    assertEquals(405, post.statusCode());
    assertEquals("GET, PUT, DELETE", post.headers().firstValue("Allow").orElse(""));
  }
}
