package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.timedProvision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.e2e.Runs.Timed;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.device.RequestLog;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The time budget of a run ({@code max_elapsed_seconds}) against servers that never answer, for
 * every transport and through a proxy, and the waits a throttling DPS asks for.
 */
class TimeBudgetTest {

  /** A short budget with a request timeout ten times longer: the budget must win. */
  private static final String SHORT_BUDGET =
      "[provisioning.retry]\nmax_elapsed_seconds = 3\nrequest_timeout_seconds = 30";

  private static final Duration BUDGET = Duration.ofSeconds(3);
  private static final Duration SLACK = Duration.ofSeconds(1);

  @RegisterExtension
  static final ClassFixture<Fleet> FLEET = ClassFixture.of(Fleet::onAllTransports);

  private final Fleet fleet = FLEET.get();
  private final DpsEmulator emulator = fleet.emulator();

  @TempDir Path home;

  @EveryTransport
  void aServerThatCompletesTlsThenSaysNothingIsCutOffByTheBudget(String transport)
      throws Exception {
    Path ca = home.resolve("silent-ca.pem");
    try (SilentServer silent = SilentServer.tls(ca)) {
      assertCutOffByTheBudget(deviceOf(transport, silent, ca), silent);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aServerThatNeverAnswersTheTlsHelloIsCutOffByTheBudget(String transport) throws Exception {
    try (SilentServer silent = SilentServer.tcp()) {
      assertCutOffByTheBudget(deviceOf(transport, silent, emulator.caFile()), silent);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt", "mqtt-ws"})
  void aProxyThatNeverAnswersConnectIsCutOffByTheBudget(String transport) throws Exception {
    try (SilentServer proxy = SilentServer.tcp()) {
      Device device =
          fleet
              .enrolled(home, "symmetric-individual", transport)
              .proxy("http://127.0.0.1:" + proxy.port())
              .config(SHORT_BUDGET);

      assertCutOffByTheBudget(device, proxy);
    }
  }

  /** A device of {@code transport} with the short budget, whose DPS is {@code silent}. */
  private Device deviceOf(String transport, SilentServer silent, Path ca) throws Exception {
    return new Device(home)
        .registrationId("silent-device")
        .deviceKey(Device.newKey())
        .transport(transport)
        .endpoint(
            URI.create(scheme(transport) + "://localhost:" + silent.port()), "0ne00000001", ca)
        .config(SHORT_BUDGET);
  }

  private static void assertCutOffByTheBudget(Device device, SilentServer silent) throws Exception {
    String config = device.writeConfig();

    Timed timed = timedProvision(config);

    assertExit(5, timed.run());
    // Paho gives up on a silent WebSocket upgrade after its own 1 s read timeout, so that transport
    // may fit a second attempt into the budget; the budget still ends the run.
    assertTrue(
        Pattern.compile(
                "dps-agent: error: giving up after [12] attempts: the time budget of 3 s ran out "
                    + "registering with ")
            .matcher(timed.run().stderr())
            .find(),
        timed.run().stderr());
    // Paho reports a proxy that timed out inside its own connect, naming the proxy; fine too.
    assertTrue(
        Pattern.compile(
                "; last error: (no answer within (the timeout|\\d+ s)|no MQTT answer from \\S+ in time"
                    + "|.*proxy http://127\\.0\\.0\\.1:\\d+ (\\(from provisioning\\.proxy\\) )?did not open a tunnel to"
                    + " localhost:\\d+ within \\d+ s\\)?)\n")
            .matcher(timed.run().stderr())
            .find(),
        timed.run().stderr());
    // Over mqtt-ws Paho's own 1 s upgrade timeout ends an attempt early; when the back-off before
    // the
    // next one would not fit the budget, the run rightly gives up at once instead of sleeping into
    // it.
    boolean pahoEndsAttemptsEarly = timed.run().stderr().contains("wss://");
    assertTrue(
        pahoEndsAttemptsEarly || timed.took().compareTo(BUDGET) >= 0,
        "waited for the silent server until the budget ended, took " + timed.took());
    assertTrue(
        timed.took().compareTo(BUDGET.plus(SLACK)) <= 0,
        "the 30 s request timeout outlived the 3 s budget: " + timed.took());
    assertTrue(silent.connections() >= 1, "the agent did reach the silent server");
  }

  private static String scheme(String transport) {
    return switch (transport) {
      case "https" -> "https";
      case "mqtt-ws" -> "wss";
      default -> "mqtts";
    };
  }

  /** The old 60 s cap on Retry-After made the agent knock again before DPS allowed it. */
  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aRetryAfterIsWaitedOutInFullEvenWhereTheRetiredCapWasLower(String transport)
      throws Exception {
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .config("[provisioning.retry]\nretry_after_max_seconds = 1");
    String config = device.writeConfig();
    int before = emulator.requestLog().exchanges().size();
    emulator.faults().failNext(1, 429, 3);

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    List<RequestLog.Exchange> requests =
        emulator.requestLog().exchanges().subList(before, emulator.requestLog().exchanges().size());
    assertEquals(429, requests.get(0).entry().status(), requests.toString());
    Duration gap = Duration.between(requests.get(0).answeredAt(), requests.get(1).answeredAt());
    assertTrue(
        gap.compareTo(Duration.ofSeconds(3)) >= 0,
        "DPS asked for 3 s, the agent came back after " + gap);
    assertTrue(gap.compareTo(Duration.ofSeconds(5)) < 0, "and not much later: " + gap);
  }

  @Test
  void aRetryAfterBeyondTheBudgetEndsTheRunAtOnceWithExit5() throws Exception {
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", "https")
            .config("[provisioning.retry]\nmax_elapsed_seconds = 10");
    String config = device.writeConfig();
    int before = emulator.requestLog().exchanges().size();
    emulator.faults().failNext(1, 429, 30);

    Timed timed = timedProvision(config);

    assertStderrHolds(
        5,
        timed.run(),
        "dps-agent: error: DPS asked to wait 30 s, beyond the time budget (",
        " s of 10 s left); giving up after 1 attempts registering with "
            + emulator.httpsEndpoint().getScheme()
            + "://localhost:"
            + emulator.httpsEndpoint().getPort(),
        "last error: DPS answered 429 (errorCode 429001");
    assertTrue(
        timed.took().compareTo(Duration.ofSeconds(3)) < 0,
        "gave up at once rather than sleeping, took " + timed.took());
    assertEquals(
        1,
        emulator.requestLog().exchanges().size() - before,
        "one request, no retry before DPS allows");
  }
}
