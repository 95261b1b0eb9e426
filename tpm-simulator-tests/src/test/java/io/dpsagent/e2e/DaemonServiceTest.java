package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.NotifySocket;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dps-agent run} the way systemd runs it: notify socket, watchdog, signals, re-provisioning
 * triggers and policy, state for {@code status}. Signals go to a real agent process.
 */
class DaemonServiceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOUND = Duration.ofSeconds(30);

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  private Device enrolled(String id) throws Exception {
    return Device.named(home, id)
        .endpoint(emulator)
        .enrolledIn(emulator, Device.newKey())
        .tokenDir(home.resolve(id).resolve("run"));
  }

  private RegistrationRecord record(String id) {
    return emulator.registry().registration(id).orElseThrow();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Awaits.until(what, BOUND, condition);
  }

  /** Writes {@code device}'s config and provisions it once, leaving a cache for a daemon. */
  private static String provisionedOnce(Device device) throws Exception {
    String config = device.writeConfig();
    CliRun run = CliRun.of("provision", "--config", config);
    assertExit(0, run);
    return config;
  }

  /** The daemon of {@code config}, once {@code device}'s state.json says it is in {@code phase}. */
  private static RunningDaemon runningIn(Device device, String config, String phase)
      throws InterruptedException {
    RunningDaemon daemon = new RunningDaemon(config);
    await("the daemon in phase " + phase, () -> phase(device).equals(phase));
    return daemon;
  }

  /**
   * {@code status --json} of {@code config} while its daemon is in {@code phase}; the daemon is
   * then stopped and must exit 0 (a daemon that waits is not failing).
   */
  private static JsonNode statusWhileIn(Device device, String config, String phase)
      throws Exception {
    RunningDaemon daemon = runningIn(device, config, phase);
    JsonNode status = status(config);
    assertExit(0, daemon.stopAndWait());
    return status;
  }

  /** The kind of the daemon's last failed attempt, as {@code status --json} reports it. */
  private static String lastAttemptKind(JsonNode status) {
    return status.path("daemon").path("lastAttempt").path("kind").asText();
  }

  /** A daemon serving a freshly enrolled device, and the etag of the registration it made. */
  private record Serving(String config, RunningDaemon daemon, String etag) {}

  private Serving servingFreshly(String id) throws Exception {
    Device device = enrolled(id);
    String config = device.writeConfig();
    RunningDaemon daemon = runningIn(device, config, "ready");
    return new Serving(config, daemon, record(id).etag());
  }

  private static JsonNode status(String config) throws Exception {
    CliRun status = CliRun.of("status", "--json", "--config", config);
    assertExit(0, status);
    return JSON.readTree(status.stdout());
  }

  @Test
  void notifiesStatusThenReadyKeepsTheWatchdogFedAndSaysStopping() throws Exception {
    Device device = enrolled("svc-notify");
    String config = device.writeConfig();
    try (NotifySocket systemd = new NotifySocket(home.resolve("notify").toString())) {
      RunningDaemon daemon =
          new RunningDaemon(
              config, Map.of("NOTIFY_SOCKET", systemd.name(), "WATCHDOG_USEC", "200000"));

      String ready = systemd.await(m -> m.startsWith("READY=1"), BOUND);
      await(
          "two watchdog pings after READY",
          () ->
              systemd.all().stream()
                      .dropWhile(m -> !m.startsWith("READY=1"))
                      .filter("WATCHDOG=1"::equals)
                      .count()
                  >= 2);
      CliRun stopped = daemon.stopAndWait();

      assertExit(0, stopped);
      assertEquals(
          "READY=1\nSTATUS=provisioned svc-notify on " + record("svc-notify").assignedHub(), ready);
      assertTrue(
          systemd.all().indexOf("STATUS=registering svc-notify with DPS")
              < systemd.all().indexOf(ready),
          systemd.all().toString());
      assertEquals("STOPPING=1", systemd.all().get(systemd.all().size() - 1));
    }
  }

  @Test
  void sigtermDuringABackOffSleepEndsWithExitZeroWithinTwoSecondsAndNoFurtherRequest()
      throws Exception {
    try (DpsEmulator failing = Emulators.startFast()) {
      String key = Device.newKey();
      failing
          .registry()
          .addIndividualEnrollment(IndividualEnrollment.symmetricKey("svc-term", key));
      failing.faults().failNext(1_000, 503);
      Device device =
          new Device(Files.createDirectories(home.resolve("term")))
              .registrationId("svc-term")
              .deviceKey(key)
              .endpoint(failing.httpsEndpoint(), failing.idScope(), failing.caFile())
              .tokenDir(home.resolve("term").resolve("run"))
              .config("[provisioning.retry]\nmax_attempts = 1");
      String config = device.writeConfig();

      try (AgentProcess agent =
          AgentProcess.start(home.resolve("logs"), Map.of(), "run", "--config", config)) {
        await("the daemon waits to retry", () -> phase(device).equals("waiting"));
        long requests = failing.requestLog().count();
        Instant signalled = Instant.now();
        agent.signal("TERM");
        int code = agent.awaitExit(Duration.ofSeconds(5));
        Duration took = Duration.between(signalled, Instant.now());

        assertEquals(0, code, agent.stderr());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopped after " + took);
        assertEquals(requests, failing.requestLog().count(), "no DPS request after SIGTERM");
        assertEquals("stopped", phase(device));
      }
    }
  }

  private static String phase(Device device) {
    try {
      return JSON.readTree(device.outputDir.resolve("state.json").toFile()).path("phase").asText();
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void sighupReloadsTheConfigurationWithoutExiting() throws Exception {
    Device device = enrolled("svc-hup");
    String config = device.writeConfig();
    try (NotifySocket systemd = new NotifySocket(home.resolve("notify-hup").toString());
        AgentProcess agent =
            AgentProcess.start(
                home.resolve("logs"),
                Map.of("NOTIFY_SOCKET", systemd.name()),
                "run",
                "--config",
                config)) {
      systemd.await(m -> m.startsWith("READY=1"), BOUND);
      String etag = record("svc-hup").etag();
      Files.writeString(device.configFile, Files.readString(device.configFile) + "\n# reloaded\n");

      agent.signal("HUP");
      systemd.await(m -> m.startsWith("RELOADING=1"), BOUND);
      await(
          "READY=1 after the reload",
          () -> systemd.all().stream().filter(m -> m.startsWith("READY=1")).count() == 2);

      assertTrue(agent.isAlive(), agent.stderr());
      assertTrue(agent.stderr().contains("configuration reloaded"), agent.stderr());
      assertEquals(etag, record("svc-hup").etag(), "an unchanged identity is not registered again");
      agent.signal("TERM");
      assertEquals(0, agent.awaitExit(Duration.ofSeconds(5)), agent.stderr());
    }
  }

  @Test
  void bootsFromAValidCacheWithDpsDownAndContactsNobody() throws Exception {
    Device device = enrolled("svc-offline");
    String config = provisionedOnce(device);
    byte[] before = Files.readAllBytes(device.outputDir.resolve("connection.json"));
    device.endpoint("https://localhost:" + ClosedPort.pick()).writeConfig();
    long requests = emulator.requestLog().count();

    try (NotifySocket systemd = new NotifySocket(home.resolve("notify-offline").toString())) {
      RunningDaemon daemon = new RunningDaemon(config, Map.of("NOTIFY_SOCKET", systemd.name()));
      String ready = systemd.await(m -> m.startsWith("READY=1"), BOUND);
      CliRun stopped = daemon.stopAndWait();

      assertExit(0, stopped);
      assertTrue(ready.endsWith("(cached assignment)"), ready);
      assertEquals(
          requests, emulator.requestLog().count(), "on_change trusts the cache: no DPS call");
      assertArrayEquals(before, Files.readAllBytes(device.outputDir.resolve("connection.json")));
    }
  }

  @Test
  void alwaysAtStartTriesDpsAndFallsBackToTheCacheWhenItIsDown() throws Exception {
    Device device = enrolled("svc-always");
    String config = provisionedOnce(device);
    device
        .endpoint("https://localhost:" + ClosedPort.pick())
        .provisioning("reprovision = \"always_at_start\"")
        .config("[provisioning.retry]\nmax_attempts = 1")
        .writeConfig();

    JsonNode status = statusWhileIn(device, config, "ready");

    assertEquals("cache", status.path("daemon").path("source").asText(), status.toString());
    assertEquals("transient", lastAttemptKind(status), status.toString());
    assertTrue(Files.exists(device.outputDir.resolve("connection-string")));
  }

  @Test
  void theReprovisionCommandAsksTheRunningDaemonAndReportsTheOutcome() throws Exception {
    Serving serving = servingFreshly("svc-ask");

    CliRun asked = CliRun.of("reprovision", "--config", serving.config(), "--timeout", "30");
    JsonNode status = status(serving.config());
    CliRun stopped = serving.daemon().stopAndWait();

    assertExit(0, asked);
    assertTrue(
        asked
            .stdout()
            .startsWith("the daemon (PID " + ProcessHandle.current().pid() + ") registered again"),
        asked.stdout());
    assertNotEquals(serving.etag(), record("svc-ask").etag(), "registered again");
    assertExit(0, stopped);
    assertTrue(status.path("daemon").path("running").asBoolean(), status.toString());
    assertEquals("dps", status.path("daemon").path("source").asText());
  }

  @Test
  void withoutADaemonReprovisionRegistersAtOnce() throws Exception {
    Device device = enrolled("svc-no-daemon");
    CliRun run = CliRun.of("reprovision", "--config", device.writeConfig());

    assertExit(0, run);
    assertTrue(run.stdout().contains("(no daemon running)"), run.stdout());
    assertEquals(
        record("svc-no-daemon").deviceId(),
        JSON.readTree(device.outputDir.resolve("connection.json").toFile())
            .path("deviceId")
            .asText());
  }

  @Test
  void theApplicationsHubRejectionReportMakesTheDaemonRegisterAgain() throws Exception {
    Serving serving = servingFreshly("svc-rejected");
    Path report =
        home.resolve("svc-rejected").resolve("run").resolve("requests").resolve("hub-rejected");

    Files.writeString(report, "");
    await("registered again", () -> !record("svc-rejected").etag().equals(serving.etag()));
    await("the report is taken", () -> !Files.exists(report));
    CliRun stopped = serving.daemon().stopAndWait();

    assertStderrHolds(
        0, stopped, "the application reports that the hub rejected the device's identity");
  }

  @Test
  void aRotatedKeyIsRegisteredAgainAtStartAndReachesTheConnectionString() throws Exception {
    Device device = enrolled("svc-rotate");
    String config = provisionedOnce(device);
    String rotated = Device.newKey();
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("svc-rotate", rotated));
    device.deviceKey(rotated);
    String etag = record("svc-rotate").etag();

    RunningDaemon daemon = runningIn(device, config, "ready");
    CliRun stopped = daemon.stopAndWait();

    assertExit(0, stopped);
    assertNotEquals(etag, record("svc-rotate").etag(), "the identity changed: registered again");
    assertTrue(
        Files.readString(device.outputDir.resolve("connection-string"))
            .contains("SharedAccessKey=" + rotated),
        "the rotated key is in the connection string");
  }

  @Test
  void aDisabledEnrollmentIsSeenAtTheNextStartUnderAlwaysAtStart() throws Exception {
    Device device = enrolled("svc-disabled");
    String config = provisionedOnce(device);
    byte[] before = Files.readAllBytes(device.outputDir.resolve("connection.json"));
    String key = device.symmetricKey();
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("svc-disabled", key).disabled());
    device.provisioning("reprovision = \"always_at_start\"").writeConfig();

    CliRun run = CliRun.until(new Signals(), Map.of(), "run", "--config", config);

    assertStderrHolds(4, run, "as disabled");
    assertArrayEquals(
        before,
        Files.readAllBytes(device.outputDir.resolve("connection.json")),
        "the last good outputs stay");
    JsonNode status = status(config);
    assertFalse(status.path("daemon").path("running").asBoolean(), status.toString());
    assertEquals("refused", lastAttemptKind(status), status.toString());
  }

  @Test
  void aPeerThatClosesTheHandshakeIsRetriedNotFatal() throws Exception {
    try (RefusingTlsServer portal = RefusingTlsServer.closingTheHandshake()) {
      Device device =
          enrolled("svc-portal")
              .endpoint("https://localhost:" + portal.port())
              .config("[provisioning.retry]\nmax_attempts = 2\ninitial_backoff_ms = 100");
      String config = device.writeConfig();

      JsonNode status = statusWhileIn(device, config, "waiting");

      assertEquals("transient", lastAttemptKind(status), status.toString());
      assertTrue(portal.connections() >= 2, "retried: " + portal.connections());
    }
  }

  @Test
  void anAbsentTpmAtBootIsWaitedForNotFatal() throws Exception {
    Device device =
        new Device(Files.createDirectories(home.resolve("no-tpm")))
            .registrationId("svc-no-tpm")
            .endpoint(emulator)
            .tpm("swtpm:host=127.0.0.1,port=" + ClosedPort.pick(), "")
            .tokenDir(home.resolve("no-tpm").resolve("run"));
    String config = device.writeConfig();

    JsonNode status = statusWhileIn(device, config, "waiting");

    assertEquals("hsm_unavailable", lastAttemptKind(status), status.toString());
    assertTrue(status.path("daemon").has("nextAttemptAt"), status.toString());
  }
}
