package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.Fault;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultRule;
import io.dpsagent.emulator.device.RequestKind;
import io.dpsagent.emulator.device.RequestLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Each injected fault as an HTTPS device sees it, over real TLS. */
class FaultInjectionHttpsTest extends EmulatorFixture {

  @Override
  protected EmulatorConfig config() {
    return EmulatorConfig.builder().retryAfterSeconds(1).build();
  }

  @Test
  void statusFaultsAnswerInsteadOfTheEmulatorWithTheirRetryAfter() {
    String id = enrolled("status-1");
    script(RequestKind.REGISTER, "503", "500", "429:2", "503:1");

    HttpResponse<String> unavailable = register(id);
    HttpResponse<String> internal = register(id);
    HttpResponse<String> throttled = register(id);
    HttpResponse<String> unavailableWithHint = register(id);

    assertError(unavailable, 503, 503001);
    assertFalse(unavailable.headers().firstValue("Retry-After").isPresent());
    assertError(internal, 500, 500001);
    assertError(throttled, 429, 429001);
    assertEquals("2", throttled.headers().firstValue("Retry-After").orElse(""));
    assertEquals("1", unavailableWithHint.headers().firstValue("Retry-After").orElse(""));
    assertTrue(emulator.registry().registration(id).isEmpty(), "a status fault stops the request");
    assertEquals(202, register(id).statusCode());
  }

  @Test
  void aDelayedAnswerArrivesLateButWhole() {
    String id = enrolled("delay-1");
    script(RequestKind.REGISTER, "delay:400");

    Instant sent = Instant.now();
    HttpResponse<String> late = register(id);

    assertTrue(Duration.between(sent, Instant.now()).toMillis() >= 400);
    assertEquals(202, late.statusCode());
    assertEquals("assigning", json(late).get("status").asText());
  }

  @Test
  void aResetCutsTheAnswerAfterTheRequestTookEffect() {
    String id = enrolled("reset-1");
    String operationId = json(register(id)).get("operationId").asText();
    script(RequestKind.POLL, "reset");

    UncheckedIOException cut =
        assertThrows(UncheckedIOException.class, () -> poll(id, operationId));

    assertTrue(cut.getCause() instanceof IOException, cut::toString);
    assertEquals(200, poll(id, operationId).statusCode());
    assertTrue(lastExchange().fault().isEmpty());
  }

  @Test
  void aTruncatedAnswerHasHalfItsJsonAndAMatchingLength() {
    String id = enrolled("truncated-1");
    script(RequestKind.REGISTER, "truncated");

    HttpResponse<String> truncated = register(id);

    assertEquals(202, truncated.statusCode());
    assertEquals(
        String.valueOf(truncated.body().length()),
        truncated.headers().firstValue("Content-Length").orElse(""));
    assertTrue(truncated.body().startsWith("{\"operationId\":\""), truncated.body());
    assertThrows(IOException.class, () -> new ObjectMapper().readTree(truncated.body()));
    assertTrue(emulator.registry().registration(id).isPresent(), "the registration took effect");
  }

  @Test
  void aMalformedAnswerKeepsItsStatusWithABodyThatIsNotJson() {
    String id = enrolled("malformed-1");
    String operationId = json(register(id)).get("operationId").asText();
    script(RequestKind.POLL, "malformed");

    HttpResponse<String> malformed = poll(id, operationId);

    assertEquals(200, malformed.statusCode());
    assertEquals("<html><body>502 Bad Gateway</body></html>", malformed.body());
  }

  @Test
  void aWrongOperationIdLeadsTheDeviceToAnOperationTheEmulatorDoesNotKnow() {
    String id = enrolled("wrong-op-1");
    script(RequestKind.REGISTER, "wrong_operation_id");

    String wrong = json(register(id)).get("operationId").asText();

    assertTrue(wrong.matches("[0-9a-z.-]+"), wrong);
    assertError(poll(id, wrong), 404, 404002);
  }

  @Test
  void aWithheldAnswerNeverComesAndTheLogSaysSo() {
    String id = enrolled("no-reply-1");
    script(RequestKind.REGISTER, "no_reply");
    HttpRequest request =
        device
            .request(scope + "/registrations/" + id + "/register")
            .timeout(Duration.ofSeconds(1))
            .header("Authorization", TestTokens.token(TestTokens.VECTOR_KEY, scope, id))
            .PUT(HttpRequest.BodyPublishers.ofString("{}"))
            .build();

    UncheckedIOException timedOut =
        assertThrows(UncheckedIOException.class, () -> device.send(request));

    assertTrue(timedOut.getCause() instanceof HttpTimeoutException, timedOut::toString);
    RequestLog.Exchange logged = lastExchange();
    assertEquals(
        new RequestLog.Entry("PUT", "/" + scope + "/registrations/" + id + "/register", 0),
        logged.entry());
    assertEquals(Optional.of("no_reply"), logged.fault());
    assertEquals(Optional.of(id), logged.registrationId());
  }

  @Test
  void aRuleForPollsLeavesRegistrationsAlone() {
    String id = enrolled("polls-only-1");
    emulator
        .faults()
        .install(
            FaultPlan.of(
                1, FaultRule.random(1, List.of(Fault.parse("503"))).onlyFor(RequestKind.POLL)));

    HttpResponse<String> registered = register(id);
    HttpResponse<String> polled = poll(id, json(registered).get("operationId").asText());

    assertEquals(202, registered.statusCode());
    assertError(polled, 503, 503001);
    assertEquals(
        OptionalInt.of(1),
        emulator
            .requestLog()
            .exchanges()
            .get(emulator.requestLog().exchanges().size() - 2)
            .retryAfterSeconds());
  }

  @Test
  void theSameSeedReproducesTheSameAnswers() throws IOException {
    FaultPlan plan =
        FaultPlan.of(
            2024,
            FaultRule.random(
                0.5, List.of(Fault.parse("503"), Fault.parse("429:1"), Fault.parse("500"))));
    String id = enrolled("seeded-1");
    emulator.faults().install(plan);
    List<Integer> first =
        Arrays.stream(new int[12]).map(i -> register(id).statusCode()).boxed().toList();
    emulator.faults().install(plan);
    List<Integer> second =
        Arrays.stream(new int[12]).map(i -> register(id).statusCode()).boxed().toList();

    assertEquals(first, second);
    assertTrue(first.contains(202) && first.stream().anyMatch(s -> s >= 500), first::toString);
  }

  private void script(RequestKind kind, String... faults) {
    installScript(rule -> rule.onlyFor(kind), faults);
  }

  private String enrolled(String id) {
    enrollWithVectorKey(id);
    return id;
  }

  private HttpResponse<String> register(String id) {
    return device.register(scope, id, TestTokens.token(TestTokens.VECTOR_KEY, scope, id), "{}");
  }

  private HttpResponse<String> poll(String id, String operationId) {
    return device.poll(scope, id, operationId, TestTokens.token(TestTokens.VECTOR_KEY, scope, id));
  }

  private RequestLog.Exchange lastExchange() {
    List<RequestLog.Exchange> all = emulator.requestLog().exchanges();
    return all.get(all.size() - 1);
  }
}
