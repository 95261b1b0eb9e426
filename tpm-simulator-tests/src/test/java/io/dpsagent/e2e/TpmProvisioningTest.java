package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.assertStderrStartsWith;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.testing.Swtpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPM attestation end to end: the agent, a software TPM (swtpm, one per simulated device) and the
 * emulator's DPS nonce challenge over HTTPS.
 */
class TpmProvisioningTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);
  @RegisterExtension static final ClassFixture<Swtpm> SECOND_TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();
  private final Swtpm tpm = TPM.get();
  private final Swtpm secondTpm = SECOND_TPM.get();

  @TempDir Path home;

  private Device device(Swtpm which) {
    return new Device(home).endpoint(emulator).tpm(which);
  }

  /** {@code dps-agent tpm identity --json} for the device, as a factory would run it. */
  private static JsonNode identity(Device device) throws Exception {
    CliRun run = CliRun.of("tpm", "identity", "--config", device.writeConfig(), "--json");
    assertExit(0, run);
    return JSON.readTree(run.stdout());
  }

  /** Enrolls the TPM's EK under the registration ID the TPM derives. */
  private String enroll(Device device) throws Exception {
    JsonNode id = identity(device);
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.tpm(
                id.get("registrationId").textValue(),
                Base64.getDecoder().decode(id.get("endorsementKey").textValue())));
    return id.get("registrationId").textValue();
  }

  @Test
  void tpmIdentityPrintsWhatAFactoryEnrolls() throws Exception {
    JsonNode id = identity(device(tpm));
    String registrationId = id.get("registrationId").textValue();
    assertTrue(registrationId.matches("[a-z2-7]{52}"), registrationId);
    byte[] ek = Base64.getDecoder().decode(id.get("endorsementKey").textValue());
    assertEquals(
        ek.length - 2,
        ((ek[0] & 0xff) << 8) | (ek[1] & 0xff),
        "TPM2B_PUBLIC: size prefix + TPMT_PUBLIC");
    assertTrue(id.get("endorsementCertificate").isNull(), "a fresh swtpm has no EK certificate");
    assertEquals(id, identity(device(tpm)), "the EK and SRK are persisted, not re-created");
  }

  @Test
  void aVendorProvisionedTpmShowsItsEkCertificate() throws Exception {
    try (Swtpm provisioned = Swtpm.startProvisioned()) {
      JsonNode id = identity(device(provisioned));
      byte[] der = Base64.getDecoder().decode(id.get("endorsementCertificate").textValue());
      java.security.cert.X509Certificate cert =
          (java.security.cert.X509Certificate)
              java.security.cert.CertificateFactory.getInstance("X.509")
                  .generateCertificate(new java.io.ByteArrayInputStream(der));
      assertEquals(
          java.math.BigInteger.valueOf(65537),
          ((java.security.interfaces.RSAPublicKey) cert.getPublicKey()).getPublicExponent());
    }
  }

  @Test
  void provisionsReprovisionsAndMintsHubTokensTheHubCanVerify() throws Exception {
    Device device = device(tpm);
    String registrationId = enroll(device);
    String config = device.writeConfig();

    CliRun first = CliRun.of("provision", "--config", config, "--json");

    assertExit(0, first);
    RegistrationRecord record = emulator.registry().registration(registrationId).orElseThrow();
    ConnectionInfo connection = device.connection();
    assertEquals(record.assignedHub(), connection.hubHostName());
    assertEquals(registrationId, connection.deviceId());
    assertEquals("tpm", connection.attestation());
    assertEquals("sas", connection.hubAuth().type());
    assertEquals("0x81000100", connection.hubAuth().references().get("tpmKeyHandle"));
    assertFalse(
        Files.exists(device.outputDir.resolve("connection-string")),
        "the key never leaves the TPM");
    assertHubTokenVerifies(config, record);

    CliRun again = CliRun.of("provision", "--config", config);

    assertExit(0, again);
    RegistrationRecord renewed = emulator.registry().registration(registrationId).orElseThrow();
    assertNotEquals(record.etag(), renewed.etag());
    assertHubTokenVerifies(config, renewed);
  }

  /**
   * The token {@code dps-agent token} prints is signed with the hub key DPS sent in the second
   * blob.
   */
  private static void assertHubTokenVerifies(String config, RegistrationRecord record)
      throws Exception {
    CliRun token = CliRun.of("token", "--config", config, "--ttl", "600");
    assertExit(0, token);
    String signature = assertSignedWithTheHubKey(token.stdout(), record);
    assertFalse(token.stderr().contains(signature), "the token is printed once, on stdout");
  }

  /** Checks {@code token}'s resource and signature against {@code record}; returns the latter. */
  private static String assertSignedWithTheHubKey(String token, RegistrationRecord record)
      throws Exception {
    return HubTokens.assertSigned(token, record, record.tpmDeviceKey().orElseThrow()::mac);
  }

  @Test
  void aDaemonServingFromAFreshJvmSignsItsHubTokensWithTheTpmAgain() throws Exception {
    Device device = device(tpm).tokenDir(home.resolve("run")).output("token_ttl_seconds = 2");
    String registrationId = enroll(device);
    String config = device.writeConfig();
    Path token = home.resolve("run").resolve("hub-token");
    try (AgentProcess agent = AgentProcess.freshJvmDaemon(home.resolve("logs"), config)) {
      // The token is then the fresh JVM's, signed through its own TPM connection.
      agent.awaitTokenFromAFreshJvm();

      RegistrationRecord record = emulator.registry().registration(registrationId).orElseThrow();
      assertSignedWithTheHubKey(Files.readString(token), record);
      assertEquals(0, agent.stop(), agent.stderr());
    }
    assertHubTokenVerifies(config, emulator.registry().registration(registrationId).orElseThrow());
  }

  @Test
  void aSecondDeviceWithItsOwnTpmIsAssignedSeparately() throws Exception {
    Device first = device(tpm);
    Device second =
        new Device(Files.createDirectories(home.resolve("second")))
            .endpoint(emulator)
            .tpm(secondTpm);
    String firstId = enroll(first);
    String secondId = enroll(second);
    assertNotEquals(firstId, secondId);

    assertExit(0, CliRun.of("provision", "--config", first.writeConfig()));
    provisioned(second);
    assertEquals(secondId, second.connection().deviceId());
    assertTrue(emulator.registry().registration(firstId).isPresent());
    assertTrue(emulator.registry().registration(secondId).isPresent());
  }

  @Test
  void aTpmWhoseEkIsNotEnrolledIsRejectedWithExit3() throws Exception {
    try (Swtpm stranger = Swtpm.start()) {
      Device device = device(stranger);

      CliRun run = CliRun.of("provision", "--config", device.writeConfig());

      assertStderrHolds(
          3, run, "attestation rejected: DPS has no enrollment for '", "errorCode 404201");
      assertEquals(List.of(), device.outputs());
    }
  }

  @Test
  void aWrongEndorsementPasswordIsATpmErrorWithExit6() throws Exception {
    Device device =
        device(tpm)
            .tpm(
                tpm.tcti().toString(),
                "[tpm.hierarchy_authorization]\nendorsement = \"not-the-password\"");
    enroll(device(tpm));

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(6, run, "TPM_RC_BAD_AUTH");
    assertFalse(run.stderr().contains("not-the-password"), "the password is never shown");
  }

  @Test
  void anUnreachableTpmIsATpmErrorWithExit6() throws Exception {
    Device device = new Device(home).endpoint(emulator).tpm("swtpm:host=127.0.0.1,port=9", "");

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrStartsWith(
        6, run, "dps-agent: error: cannot reach the TPM at swtpm:host=127.0.0.1,port=9");
  }

  @Test
  void tpmOverMqttIsAConfigError() throws Exception {
    Device device = device(tpm).transport("mqtt");

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(2, run, "provisioning.transport: TPM attestation works over HTTPS only");
  }
}
