package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.assertStderrStartsWith;
import static io.dpsagent.e2e.Runs.timedProvision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.e2e.Runs.Timed;
import io.dpsagent.emulator.DpsEmulator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Dropped connections, silent brokers and refused certificates, for every transport. */
class TransportFaultTest {

  @RegisterExtension
  static final ClassFixture<Fleet> FLEET = ClassFixture.of(Fleet::onAllTransports);

  private final Fleet fleet = FLEET.get();
  private final DpsEmulator emulator = fleet.emulator();

  @TempDir Path home;

  @EveryTransport
  void aConnectionDroppedMidResponseIsRetriedThenSucceeds(String transport) throws Exception {
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .config("[provisioning.retry]\ninitial_backoff_ms = 100");
    String config = device.writeConfig();
    emulator.faults().dropNext(1);

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    assertEquals(0, emulator.faults().remaining(), "the fault was delivered");
    assertEquals(
        1, run.stderr().lines().filter(l -> l.contains("retrying in")).count(), run.stderr());
  }

  @Test
  void aBrokerThatNeverAnswersEndsWithExit5WithinTheBudget() throws Exception {
    try (SilentServer silent = SilentServer.tcp()) {
      Device device =
          fleet
              .enrolled(home, "symmetric-individual", "mqtt")
              .endpoint(
                  URI.create("mqtts://localhost:" + silent.port()),
                  emulator.idScope(),
                  emulator.caFile())
              .config(
                  "[provisioning.retry]\nmax_attempts = 3\nmax_elapsed_seconds = 6\ninitial_backoff_ms = 100\n"
                      + "connect_timeout_seconds = 1\nrequest_timeout_seconds = 1");

      Timed timed = timedProvision(device.writeConfig());

      assertStderrHolds(
          5,
          timed.run(),
          "dps-agent: error: giving up after 3 attempts registering with mqtts://localhost:"
              + silent.port());
      assertTrue(
          timed.took().compareTo(Duration.ofSeconds(6 + 3)) < 0,
          "bounded by the 6 s budget, took " + timed.took());
      assertTrue(silent.connections() >= 1, "the agent did reach the silent broker");
    }
  }

  @EveryTransport
  void aCertificateNoEnrollmentKnowsIsRejectedWithExit3(String transport) throws Exception {
    TestPki.Leaf stranger =
        TestPki.rootCa("Unknown CA")
            .leaf("stranger-" + transport.replace("-", ""), KeyType.EC_P256);
    Device device = new Device(home).x509(stranger).endpoint(emulator, transport);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(3, run, "attestation rejected: DPS answered 401 (errorCode 401002");
    assertEquals(List.of(), device.outputs());
  }

  @Test
  void anExpiredCertificateIsRefusedLocallyBeforeAnyNetworkCall() throws Exception {
    TestPki.Leaf expired =
        TestPki.rootCa("Some CA")
            .leaf(
                "expired-device",
                KeyType.EC_P256,
                Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)));
    Device device = new Device(home).x509(expired).endpoint(emulator);
    long before = emulator.requestLog().count();

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrStartsWith(
        2,
        run,
        "dps-agent: error: certificate in " + home.resolve("device-chain.pem") + " expired on ");
    assertTrue(run.stderr().endsWith("; install a renewed certificate\n"), run.stderr());
    assertEquals(before, emulator.requestLog().count());
  }

  @Test
  void aRegistrationIdThatIsNotTheCertificateCnIsRefusedLocally() throws Exception {
    TestPki.Leaf leaf = TestPki.rootCa("Some CA").leaf("cn-device", KeyType.EC_P256);
    Device device = new Device(home).x509(leaf).endpoint(emulator);
    String config = device.writeConfig();
    Files.writeString(
        device.configFile,
        Files.readString(device.configFile)
            .replace(
                "method = \"x509\"\n", "method = \"x509\"\nregistration_id = \"other-device\"\n"));

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderr(
        2,
        run,
        "dps-agent: error: provisioning.attestation.registration_id 'other-device' differs from the certificate "
            + "CN 'cn-device'; DPS requires them to be equal (or leave registration_id out)\n");
  }
}
