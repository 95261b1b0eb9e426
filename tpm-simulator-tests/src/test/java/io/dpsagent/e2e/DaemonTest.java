package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import io.dpsagent.hsm.testing.Swtpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dps-agent run}: provisions (or trusts its cache), then keeps a fresh hub token in the
 * token file for the application, until stopped.
 */
class DaemonTest {

  private static final Duration BOUND = Duration.ofSeconds(30);

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  private static String awaitToken(Path file, String notThis) throws Exception {
    Instant deadline = Instant.now().plus(BOUND);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(file)) {
        String token = Files.readString(file).strip();
        if (!token.equals(notThis)) {
          return token;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no new token in " + file + " within " + BOUND);
  }

  private static void assertSignedBy(String token, SasSigner key, RegistrationRecord record)
      throws Exception {
    HubTokens.assertSigned(token, record, key::sign);
  }

  @Test
  void provisionsWritesAHubTokenThenTrustsItsCacheOnTheNextStart() throws Exception {
    String key = Device.newKey();
    Device device =
        new Device(home)
            .registrationId("daemon-sas")
            .enrolledIn(emulator, key)
            .endpoint(emulator)
            .tokenDir(home.resolve("run"));
    String config = device.writeConfig();
    Path tokenFile = home.resolve("run").resolve("hub-token");

    RunningDaemon first = new RunningDaemon(config);
    String token = awaitToken(tokenFile, "");
    CliRun stopped = first.stopAndWait();

    assertExit(0, stopped);
    RegistrationRecord record = emulator.registry().registration("daemon-sas").orElseThrow();
    assertSignedBy(token, SoftwareSymmetricKey.ofBase64(key), record);
    assertEquals(
        "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    assertEquals(
        "rwxr-x---",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())));

    long requestsBefore = emulator.requestLog().count();
    Files.delete(tokenFile); // so that the token read next is the second daemon's
    RunningDaemon second = new RunningDaemon(config);
    String renewed = awaitToken(tokenFile, "");
    CliRun again = second.stopAndWait();

    assertExit(0, again);
    assertEquals(
        requestsBefore, emulator.requestLog().count(), "a valid cache means no DPS call at start");
    assertTrue(
        again.stderr().contains("using the cached assignment of daemon-sas; DPS not contacted"),
        again.stderr());
    assertSignedBy(renewed, SoftwareSymmetricKey.ofBase64(key), record);
  }

  @Test
  void aTpmDeviceGetsHubTokensSignedInsideTheTpm() throws Exception {
    try (Swtpm tpm = Swtpm.start()) {
      Device device = new Device(home).endpoint(emulator).tpm(tpm).tokenDir(home.resolve("run"));
      String config = device.writeConfig();
      CliRun identity = CliRun.of("tpm", "identity", "--config", config, "--json");
      com.fasterxml.jackson.databind.JsonNode id =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(identity.stdout());
      String registrationId = id.get("registrationId").textValue();
      emulator
          .registry()
          .addIndividualEnrollment(
              IndividualEnrollment.tpm(
                  registrationId,
                  Base64.getDecoder().decode(id.get("endorsementKey").textValue())));

      RunningDaemon daemon = new RunningDaemon(config);
      String token = awaitToken(home.resolve("run").resolve("hub-token"), "");
      CliRun stopped = daemon.stopAndWait();

      assertExit(0, stopped);
      RegistrationRecord record = emulator.registry().registration(registrationId).orElseThrow();
      assertSignedBy(token, record.tpmDeviceKey().orElseThrow()::mac, record);
    }
  }

  /** A daemon device whose DPS endpoint is a port nobody listens on. */
  private Device unreachable(String id) throws Exception {
    return new Device(home)
        .registrationId(id)
        .deviceKey(Device.newKey())
        .endpoint(emulator)
        .endpoint("https://localhost:" + ClosedPort.pick())
        .tokenDir(home.resolve("run"));
  }

  @Test
  void whileDpsIsUnreachableTheDaemonWaitsAndStopsPromptlyWhenAsked() throws Exception {
    Device device =
        unreachable("daemon-offline")
            .config(
                "[provisioning.retry]\nmax_attempts = 2\ninitial_backoff_ms = 50\nconnect_timeout_seconds = 1");

    RunningDaemon daemon = new RunningDaemon(device.writeConfig());
    Instant deadline = Instant.now().plus(BOUND);
    while (!daemon.run.isDone()
        && Instant.now().isBefore(deadline)
        && !Files.exists(home.resolve("run"))) {
      Thread.sleep(50);
    }
    Thread.sleep(3000); // long enough for one provisioning run to fail and the daemon to wait
    Instant asked = Instant.now();
    CliRun stopped = daemon.stopAndWait();

    assertExit(0, stopped);
    assertTrue(
        Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(5)) < 0,
        "stops promptly");
    assertTrue(stopped.stderr().contains("next provisioning attempt in"), stopped.stderr());
    assertTrue(
        !Files.exists(home.resolve("run").resolve("hub-token")), "no token without an assignment");
  }

  @Test
  void aTokenOfAnEarlierAssignmentIsRemovedBeforeTheDaemonProvisionsAgain() throws Exception {
    Device device =
        unreachable("daemon-stale")
            .config("[provisioning.retry]\nmax_attempts = 1\nconnect_timeout_seconds = 1");
    Path tokenFile = home.resolve("run").resolve("hub-token");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(
        tokenFile, "SharedAccessSignature sr=old-hub%2Fdevices%2Fold-device&sig=x&se=1\n");

    RunningDaemon daemon = new RunningDaemon(device.writeConfig());
    Instant deadline = Instant.now().plus(BOUND);
    while (Files.exists(tokenFile) && !daemon.run.isDone() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    boolean removed = !Files.exists(tokenFile);
    CliRun stopped = daemon.stopAndWait();

    assertTrue(removed, "the old device's token is gone before any new assignment: " + stopped);
    assertExit(0, stopped);
  }

  @Test
  void aWrongKeyIsPermanentAndEndsTheDaemonWithExit3() throws Exception {
    Device device =
        new Device(home)
            .registrationId("daemon-wrong")
            .enrolledIn(emulator, Device.newKey())
            .deviceKey(Device.newKey()) // not the key DPS knows
            .endpoint(emulator)
            .tokenDir(home.resolve("run"));

    CliRun run = new RunningDaemon(device.writeConfig()).awaitEnd();

    assertExit(3, run);
  }
}
