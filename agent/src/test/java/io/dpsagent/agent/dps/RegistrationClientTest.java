package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.AgentException.Kind;
import io.dpsagent.agent.config.RetryConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
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

/** The registration state machine against a scripted transport and a virtual clock. */
class RegistrationClientTest {

  private static final RegistrationRequest REQUEST =
      new RegistrationRequest("0ne00000001", "dev-1", Optional.empty());
  private static final String ASSIGNING = "{\"operationId\":\"op-1\",\"status\":\"assigning\"}";
  private static final String ASSIGNED =
      "{\"operationId\":\"op-1\",\"status\":\"assigned\",\"registrationState\":"
          + "{\"registrationId\":\"dev-1\",\"status\":\"assigned\",\"assignedHub\":\"hub.example\",\"deviceId\":\"dev-1\","
          + "\"substatus\":\"initialAssignment\"}}";

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final List<Optional<String>> tokens = new ArrayList<>();

  /** The timeout each request was given and when (on the virtual clock) it was sent. */
  private final List<Duration> timeouts = new ArrayList<>();

  private final List<Instant> sentAt = new ArrayList<>();
  private final Deque<Object> script = new ArrayDeque<>();
  private int minted;

  private final DpsTransport transport = new ScriptedTransport(this::next);

  private DpsResponse next(String call, Optional<String> authorization, Duration timeout)
      throws IOException {
    calls.add(call);
    tokens.add(authorization);
    timeouts.add(timeout);
    sentAt.add(now);
    Object step = script.removeFirst();
    if (step == SILENT) {
      now =
          now.plus(timeout); // a server that accepts and never answers: the request takes its whole
      // timeout
      throw new HttpTimeoutException("no answer within " + timeout.toSeconds() + " s");
    }
    if (step instanceof IOException) {
      throw (IOException) step;
    }
    return (DpsResponse) step;
  }

  private static final Object SILENT = new Object();

  private static DpsResponse reply(int status, Integer retryAfter, String body) {
    return new DpsResponse(
        status, Optional.ofNullable(retryAfter).map(Duration::ofSeconds), Optional.empty(), body);
  }

  /** TPM-like credentials: nothing to sign with until a challenge was activated. */
  private final List<String> activated = new ArrayList<>();

  private final List<String> assigned = new ArrayList<>();
  private boolean failActivation;

  private final DpsCredentials tpmLike =
      new DpsCredentials() {
        @Override
        public Optional<String> authorization(Instant now) {
          return activated.isEmpty()
              ? Optional.empty()
              : Optional.of("tpm-token-" + activated.size());
        }

        @Override
        public boolean acceptChallenge(String authenticationKey)
            throws io.dpsagent.hsm.HsmException {
          if (failActivation) {
            throw new io.dpsagent.hsm.HsmException("TPM activation blob: part 2 is truncated");
          }
          activated.add(authenticationKey);
          return true;
        }

        @Override
        public void acceptAssignment(String authenticationKey) {
          assigned.add(authenticationKey);
        }
      };

  private RegistrationClient client(DpsCredentials credentials) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return new RegistrationClient(
        transport,
        credentials,
        new Backoff(BackoffTest.retry(4, Duration.ofMinutes(5)), new SplittableRandom(7)),
        clock,
        d -> sleeps.add(d));
  }

  private static final String CHALLENGE =
      "{\"message\":\"Unauthorized\",\"authenticationKey\":\"QkxPQg==\",\"keyName\":\"registration\"}";

  @Test
  void aTpmChallengeIsActivatedAndTheRegistrationSentAgainSignedAtOnce() throws Exception {
    script.add(reply(401, null, CHALLENGE));
    script.add(reply(202, 1, ASSIGNING));
    script.add(
        reply(
            200,
            null,
            ASSIGNED.replace(
                "\"substatus\"", "\"tpm\":{\"authenticationKey\":\"SFVC\"},\"substatus\"")));

    DeviceRegistrationResult state = client(tpmLike).register(REQUEST);

    assertEquals(List.of("register", "register", "poll op-1"), calls);
    assertEquals(
        List.of(Optional.empty(), Optional.of("tpm-token-1"), Optional.of("tpm-token-1")), tokens);
    assertEquals(List.of("QkxPQg=="), activated);
    assertEquals(List.of("SFVC"), assigned, "the hub key blob is imported on assignment");
    assertEquals(Optional.of("SFVC"), state.tpm().map(TpmRegistrationResult::authenticationKey));
    assertEquals(List.of(Duration.ofSeconds(1)), sleeps, "no back-off after a challenge");
  }

  @Test
  void aServerThatKeepsChallengingIsBelievedOnlyThreeTimes() {
    for (int i = 0; i < 4; i++) {
      script.add(reply(401, null, CHALLENGE));
    }
    AgentException e = failure(Kind.ATTESTATION_REJECTED, client(tpmLike));
    assertEquals(3, activated.size());
    assertEquals(4, calls.size());
  }

  @Test
  void aChallengeThatCannotBeActivatedIsATpmError() {
    failActivation = true;
    script.add(reply(401, null, CHALLENGE));
    AgentException e = failure(Kind.HSM, client(tpmLike));
    assertEquals(
        "cannot activate the DPS challenge: TPM activation blob: part 2 is truncated",
        e.getMessage());
  }

  @Test
  void aChallengeIsAnOrdinary401ForCredentialsThatCannotActivate() {
    script.add(reply(401, null, CHALLENGE));
    failure(Kind.ATTESTATION_REJECTED);
    assertEquals(1, calls.size());
  }

  private RegistrationClient client(int attempts, Duration budget) {
    return client(BackoffTest.retry(attempts, budget), new SplittableRandom(7));
  }

  private RegistrationClient client(RetryConfig retry, SplittableRandom random) {
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    return new RegistrationClient(
        transport,
        at -> Optional.of("token-" + (++minted) + "@" + at.getEpochSecond()),
        new Backoff(retry, random),
        clock,
        d -> {
          sleeps.add(d);
          now = now.plus(d);
        });
  }

  private DeviceRegistrationResult run() throws AgentException {
    return client(4, Duration.ofMinutes(5)).register(REQUEST);
  }

  /** Runs the registration, which must end in a failure of {@code kind}. */
  private AgentException failure(Kind kind) {
    return failure(kind, client(4, Duration.ofMinutes(5)));
  }

  /** Registration fails as {@code kind} with exactly {@code message}. */
  private void assertFails(Kind kind, String message) {
    assertEquals(message, failure(kind).getMessage());
  }

  private static AgentException failure(Kind kind, RegistrationClient client) {
    AgentException e = assertThrows(AgentException.class, () -> client.register(REQUEST));
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  @Test
  void registersThenPollsAsLongAsDpsAsksAndReturnsTheAssignment() throws Exception {
    script.add(reply(202, 3, ASSIGNING));
    script.add(reply(202, 3, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    DeviceRegistrationResult state = run();
    assertEquals(Optional.of("hub.example"), state.assignedHub());
    assertEquals(List.of("register", "poll op-1", "poll op-1"), calls);
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3)), sleeps);
  }

  @Test
  void mintsAFreshTokenForEveryRequest() throws Exception {
    script.add(reply(202, 3, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    run();
    assertEquals(
        List.of(Optional.of("token-1@1767225600"), Optional.of("token-2@1767225603")), tokens);
  }

  @Test
  void honoursRetryAfterOn429AndThenSucceeds() throws Exception {
    script.add(reply(429, 2, "{\"errorCode\":429001,\"message\":\"throttled\"}"));
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    run();
    assertEquals(List.of("register", "register", "poll op-1"), calls);
    assertEquals(Duration.ofSeconds(2), sleeps.get(0));
  }

  @Test
  void retriesConnectionFailuresWithBackoffAndGivesUpWithExitCode5() {
    for (int i = 0; i < 4; i++) {
      script.add(new ConnectException("Connection refused"));
    }
    assertFails(
        Kind.TRANSIENT,
        "giving up after 4 attempts registering with https://dps.example; "
            + "last error: connection refused or unreachable");
    assertEquals(4, calls.size());
    assertEquals(3, sleeps.size());
  }

  @Test
  void stopsWhenTheTimeBudgetWouldBeExceeded() {
    for (int i = 0; i < 10; i++) {
      script.add(reply(503, 20, "{}"));
    }
    AgentException e = failure(Kind.TRANSIENT, client(10, Duration.ofSeconds(30)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "DPS asked to wait 20 s, beyond the time budget (10 s of 30 s left); "
                    + "giving up after 2 attempts"),
        e.getMessage());
    assertEquals(List.of(Duration.ofSeconds(20)), sleeps);
  }

  @Test
  void aRunOf503sThenSuccess() throws Exception {
    script.add(reply(503, null, ""));
    script.add(reply(503, null, ""));
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    assertEquals("dev-1", run().deviceId().orElseThrow());
    assertEquals(List.of("register", "register", "register", "poll op-1"), calls);
  }

  @Test
  void unauthorizedIsFatalWithExitCode3AndNamesTheDpsError() {
    script.add(
        reply(
            401,
            null,
            "{\"errorCode\":401002,\"trackingId\":\"t-1\",\"message\":\"Unauthorized\"}"));
    assertFails(
        Kind.ATTESTATION_REJECTED,
        "attestation rejected: DPS answered 401 (errorCode 401002: Unauthorized (tracking ID t-1)); "
            + "check the registration ID and key against the enrollment");
    assertEquals(1, calls.size());
  }

  @Test
  void blamesTheClockWhenTheServerDateIsFarOff() {
    script.add(new DpsResponse(401, Optional.empty(), Optional.of(now.plusSeconds(3600)), "{}"));
    assertFails(
        Kind.ATTESTATION_REJECTED,
        "attestation rejected: device clock is 3600 s behind DPS; fix the time (NTP) and retry");
  }

  @Test
  void disabledEnrollmentEndsWithExitCode4() {
    script.add(reply(202, 1, ASSIGNING));
    script.add(
        reply(
            200,
            null,
            "{\"operationId\":\"op-1\",\"status\":\"disabled\",\"registrationState\":"
                + "{\"registrationId\":\"dev-1\",\"status\":\"disabled\",\"errorCode\":401004,\"errorMessage\":\"Enrollment disabled\"}}"));
    assertFails(
        Kind.REFUSED,
        "DPS reports the enrollment of 'dev-1' as disabled (errorCode 401004: Enrollment disabled)");
  }

  @Test
  void failedRegistrationEndsWithExitCode4() {
    script.add(reply(202, 1, ASSIGNING));
    script.add(
        reply(
            200,
            null,
            "{\"operationId\":\"op-1\",\"status\":\"failed\",\"registrationState\":"
                + "{\"registrationId\":\"dev-1\",\"status\":\"failed\",\"errorCode\":400208,\"errorMessage\":\"no hub\"}}"));
    assertFails(
        Kind.REFUSED, "DPS reports registration of 'dev-1' as failed (errorCode 400208: no hub)");
  }

  @Test
  void badRequestIsFatalWithExitCode4() {
    script.add(reply(400, null, "{\"errorCode\":400004,\"message\":\"bad registration ID\"}"));
    assertFails(
        Kind.REFUSED,
        "registration refused: DPS answered 400 (errorCode 400004: bad registration ID)");
  }

  @Test
  void malformedJsonIsRetriedAsTransient() throws Exception {
    script.add(reply(202, null, "{not json"));
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    run();
    assertEquals(List.of("register", "register", "poll op-1"), calls);
  }

  @Test
  void truncatedJsonEverywhereEndsWithExitCode5NamingTheProblem() {
    for (int i = 0; i < 4; i++) {
      script.add(reply(200, null, "{\"operationId\":\"op-1\",\"sta"));
    }
    AgentException e = failure(Kind.TRANSIENT);
    assertTrue(
        e.getMessage().contains("last error: DPS response is not valid JSON"), e.getMessage());
  }

  @Test
  void assignedWithoutHubIsRefused() {
    script.add(
        reply(
            200,
            null,
            "{\"operationId\":\"op-1\",\"status\":\"assigned\",\"registrationState\":"
                + "{\"registrationId\":\"dev-1\",\"status\":\"assigned\"}}"));
    failure(Kind.REFUSED);
  }

  @Test
  void anUnknownOperationRestartsTheRegistration() throws Exception {
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(404, null, "{\"errorCode\":404001}"));
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));
    run();
    assertEquals(List.of("register", "poll op-1", "register", "poll op-1"), calls);
  }

  @Test
  void aServerThatAssignsForeverEndsWithExitCode5() {
    for (int i = 0; i < 200; i++) {
      script.add(reply(202, 30, ASSIGNING));
    }
    AgentException e = failure(Kind.TRANSIENT, client(4, Duration.ofMinutes(2)));
    assertTrue(
        e.getMessage().startsWith("DPS was still assigning when the time budget ran out"),
        e.getMessage());
    assertEquals(4, sleeps.size());
  }

  /** Budget 10 s, request timeout 30 s, silent server: the run once took 31 s. */
  @Test
  void aRequestInFlightIsCutOffWhenTheTimeBudgetEnds() {
    script.add(SILENT);
    Instant start = now;

    AgentException e =
        failure(
            Kind.TRANSIENT,
            client(
                BackoffTest.retry(10, Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new SplittableRandom(7)));

    assertEquals(
        List.of(Duration.ofSeconds(10)), timeouts, "the request gets what is left of the budget");
    assertEquals(Duration.ofSeconds(10), Duration.between(start, now));
    assertEquals(
        "giving up after 1 attempts: the time budget of 10 s ran out registering with https://dps.example; "
            + "last error: no answer within 10 s",
        e.getMessage());
  }

  @Test
  void eachRequestGetsTheSmallerOfItsTimeoutAndWhatIsLeft() {
    script.add(reply(503, 7, "{}"));
    script.add(SILENT);
    script.add(reply(503, 4, "{}"));
    script.add(SILENT);
    Instant deadline = now.plusSeconds(20);

    AgentException e =
        assertThrows(
            AgentException.class,
            () ->
                client(
                        BackoffTest.retry(10, Duration.ofSeconds(20), Duration.ofSeconds(5)),
                        new SplittableRandom(7))
                    .register(REQUEST));

    assertEquals(
        List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)),
        timeouts.subList(0, 3));
    assertEquals(
        Duration.between(sentAt.get(3), deadline),
        timeouts.get(3),
        "the last request ends with the budget");
    assertTrue(timeouts.get(3).compareTo(Duration.ofSeconds(5)) < 0, timeouts.toString());
    assertEquals(deadline, now);
    assertTrue(
        e.getMessage().startsWith("giving up after 4 attempts: the time budget of 20 s ran out"),
        e.getMessage());
  }

  /** DPS asking 90 s was answered after 60 s, the old cap, which prolongs throttling. */
  @Test
  void a429RetryAfterOf90IsWaitedOutInFull() throws Exception {
    script.add(reply(429, 90, "{\"errorCode\":429001,\"message\":\"throttled\"}"));
    script.add(reply(202, 1, ASSIGNING));
    script.add(reply(200, null, ASSIGNED));

    client(10, Duration.ofSeconds(300)).register(REQUEST);

    assertEquals(Duration.ofSeconds(90), sleeps.get(0));
    assertTrue(
        Duration.between(sentAt.get(0), sentAt.get(1)).compareTo(Duration.ofSeconds(90)) >= 0,
        "second request at " + sentAt.get(1));
  }

  @Test
  void aRetryAfterBeyondTheDeadlineEndsTheRunAtOnceAndSaysSo() {
    script.add(reply(429, 90, "{\"errorCode\":429001,\"message\":\"throttled\"}"));

    AgentException e = failure(Kind.TRANSIENT, client(10, Duration.ofSeconds(60)));

    assertEquals(
        "DPS asked to wait 90 s, beyond the time budget (60 s of 60 s left); giving up after 1 attempts "
            + "registering with https://dps.example; last error: DPS answered 429 (errorCode 429001: throttled)",
        e.getMessage());
    assertEquals(List.of(), sleeps, "no sleeping into the deadline");
    assertEquals(Duration.ofSeconds(90), ((AskedToWaitException) e).requestedWait());
  }

  @Test
  void a5xxWithoutRetryAfterIsNeverRetriedBelowTheJitterFloor() {
    for (long seed = 0; seed < 50; seed++) {
      for (int i = 0; i < 10; i++) {
        script.add(reply(503, null, "{}"));
      }
      RetryConfig retry = BackoffTest.retry(10, Duration.ofHours(1));
      RegistrationClient client = client(retry, new SplittableRandom(seed));
      assertThrows(AgentException.class, () -> client.register(REQUEST));
      Backoff ceilings = new Backoff(retry, new SplittableRandom(seed));
      for (int failure = 1; failure <= sleeps.size(); failure++) {
        Duration floor = ceilings.exponentialCeiling(failure).dividedBy(2);
        Duration wait = sleeps.get(failure - 1);
        assertTrue(
            wait.compareTo(floor) >= 0 && wait.compareTo(Duration.ofMillis(250)) >= 0,
            "seed " + seed + ": wait " + failure + " was " + wait);
      }
      assertEquals(9, sleeps.size());
      sleeps.clear();
      script.clear();
    }
  }
}
