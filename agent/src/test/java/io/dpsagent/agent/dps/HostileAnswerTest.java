package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A DPS (or a man in the middle with a trusted certificate) that answers with identifiers built to
 * escape a path, a topic or a log line: the registration ends REFUSED before they are used.
 */
class HostileAnswerTest {

  private static final RegistrationRequest REQUEST =
      new RegistrationRequest("0ne00000001", "dev-1", Optional.empty());

  private final Deque<String> bodies = new ArrayDeque<>();
  private final List<String> calls = new ArrayList<>();

  private final DpsTransport transport =
      new ScriptedTransport(
          (call, authorization, timeout) -> {
            calls.add(call);
            return call.equals("register")
                ? new DpsResponse(
                    202, Optional.of(Duration.ofSeconds(1)), Optional.empty(), bodies.removeFirst())
                : new DpsResponse(200, Optional.empty(), Optional.empty(), bodies.removeFirst());
          });

  private AgentException refusal() {
    RegistrationClient client =
        new RegistrationClient(
            transport,
            instant -> Optional.empty(),
            new Backoff(BackoffTest.retry(4, Duration.ofMinutes(5)), new SplittableRandom(1)),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            d -> {});
    AgentException e = assertThrows(AgentException.class, () -> client.register(REQUEST));
    assertEquals(AgentException.Kind.REFUSED, e.kind(), e.getMessage());
    return e;
  }

  private static String assigned(String hub, String deviceId) {
    return "{\"operationId\":\"op-1\",\"status\":\"assigned\",\"registrationState\":{\"registrationId\":\"dev-1\","
        + "\"status\":\"assigned\",\"assignedHub\":\""
        + hub
        + "\",\"deviceId\":\""
        + deviceId
        + "\"}}";
  }

  @Test
  void anOperationIdThatWouldLeaveThePollPathIsRefusedBeforeAnyPoll() {
    bodies.add(
        "{\"operationId\":\"../../../0ne00000001/registrations/other\",\"status\":\"assigning\"}");
    AgentException e = refusal();
    assertEquals(List.of("register"), calls);
    assertEquals(
        "DPS answered with an invalid operationId '../../../0ne00000001/registrations/other'; expected 1"
            + " to 128 letters, digits and . _ ~ : -. The answer is not used",
        e.getMessage());
  }

  @Test
  void aHubNameWithANewlineAndAnAnsiEscapeIsRefusedAndShownEscaped() {
    bodies.add("{\"operationId\":\"op-1\",\"status\":\"assigning\"}");
    bodies.add(assigned("hub.example\\n\\u001b[31mINFO: provisioned", "dev-1"));
    AgentException e = refusal();
    assertEquals(
        "DPS answered with an invalid assignedHub 'hub.example\\n\\u001B[31mINFO: provisioned'; expected a"
            + " DNS host name with an optional :port. The answer is not used",
        e.getMessage());
  }

  @Test
  void aDeviceIdThatTraversesPathsIsRefused() {
    bodies.add("{\"operationId\":\"op-1\",\"status\":\"assigning\"}");
    bodies.add(assigned("hub.example", "../../etc/passwd"));
    assertEquals(
        "DPS answered with an invalid deviceId '../../etc/passwd'; expected 1 to 128 ASCII letters, digits"
            + " and -:.+%_#*?!(),=@;$'. The answer is not used",
        refusal().getMessage());
  }

  @Test
  void aFailedRegistrationsErrorMessageIsShownEscaped() {
    bodies.add(
        "{\"operationId\":\"op-1\",\"status\":\"failed\",\"registrationState\":{\"registrationId\":\"dev-1\","
            + "\"status\":\"failed\",\"errorCode\":400209,\"errorMessage\":\"bad\\u001b[2J\\nthing\"}}");
    assertEquals(
        "DPS reports registration of 'dev-1' as failed (errorCode 400209: bad\\u001B[2J\\nthing)",
        refusal().getMessage());
  }
}
