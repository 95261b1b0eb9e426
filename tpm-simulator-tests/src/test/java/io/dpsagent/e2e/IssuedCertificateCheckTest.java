package io.dpsagent.e2e;

import static io.dpsagent.e2e.CheckReport.DASH_FIX;
import static io.dpsagent.e2e.CheckReport.assertLine;
import static io.dpsagent.e2e.CheckReport.check;
import static io.dpsagent.e2e.CheckReport.line;
import static io.dpsagent.e2e.IssuingDevices.issuanceTable;
import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.hsm.testing.Swtpm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dps-agent check} on the keys and certificates of certificate issuance and TPM-held X.509
 * keys: the {@code tpm-key} check against a real swtpm (a missing key, a key that can leave the
 * TPM, an object that is no signing key, a certificate for another key) and the {@code
 * issued-certificate} check on short-lived and expired certificate files.
 */
class IssuedCertificateCheckTest {

  private static final String REISSUE =
      "run dps-agent provision (or dps-agent reprovision while the daemon runs): DPS issues a new"
          + " certificate for the same key";
  private static final String ISSUANCE_KEY = "certificate_issuance.key";
  private static final TestPki.Issuer OTHER_CA = TestPki.rootCa("check other CA");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> Emulators.startIssuing(EmulatorConfig.DEFAULT_HUB, Duration.ofDays(2)));

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();
  private final Swtpm tpm = TPM.get();

  @TempDir Path home;

  /** A symmetric-key device enrolled for issuance with its certificate key at {@code keyUri}. */
  private Device issuingDevice(String id, String keyUri) throws Exception {
    return IssuingDevices.symmetricKey(emulator, home, id, "https", true)
        .config(issuanceTable(keyUri, "[tpm]\ntcti = \"" + tpm.tcti() + "\""));
  }

  /** Like {@link #issuingDevice}, its certificate key in the TPM at {@code handle}. */
  private Device tpmKeyDevice(String id, int handle) throws Exception {
    return issuingDevice(id, String.format("tpm:handle=0x%08X", handle));
  }

  /** Like {@link #issuingDevice}, its certificate key in a PEM file. */
  private Device fileKeyDevice(String id) throws Exception {
    return issuingDevice(id, home.resolve("k.pem").toUri().toString());
  }

  /** An offline check of {@code device}, which exits with {@code exitCode}. */
  private static CliRun checkExits(Device device, int exitCode) throws Exception {
    CliRun run = check(device, "--offline");
    assertExit(exitCode, run);
    return run;
  }

  /** The key at {@code handle} that config field {@code field} names, as check names it. */
  private String tpmKey(String field, int handle) {
    return String.format("%s tpm:handle=0x%08X (TPM at %s)", field, handle, tpm.tcti());
  }

  /** The {@code issued-certificate} line of a certificate to be replaced by provisioning again. */
  private static void assertReissue(CliRun run, String status, String message) {
    assertLine(run, "issued-certificate", status, message, REISSUE);
  }

  /** The TPM's EK and SRK, as {@code dps-agent tpm identity} persists them. */
  private static void createTpmIdentity(Device device) throws Exception {
    assertExit(0, CliRun.of("tpm", "identity", "--config", device.writeConfig()));
  }

  @Test
  void aTpmKeyNotCreatedYetIsFineAndAfterProvisioningItIsNonDuplicableAndCertified()
      throws Exception {
    int handle = 0x81000141;
    Device device = tpmKeyDevice("check-tpm-key", handle);
    Path chain = issuedChain(device);

    CliRun before = checkExits(device, 0);

    String key = tpmKey(ISSUANCE_KEY, handle);
    assertLine(
        before,
        "tpm-key",
        "ok",
        key + ": no key at 0x81000141 yet: the first provisioning creates it",
        null);
    assertLine(
        before,
        "issued-certificate",
        "ok",
        "no certificate issued yet (" + chain + "): the first provisioning requests one",
        null);

    provisioned(device);
    CliRun after = checkExits(device, 0);

    assertLine(
        after,
        "tpm-key",
        "ok",
        key
            + ": ecc-p256 signing key (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign)"
            + ", certified by "
            + chain,
        null);
    assertTrue(
        line(after, "issued-certificate")
            .matches(
                Pattern.quote(
                        "[ok] issued-certificate: issued certificate CN=check-tpm-key in " + chain)
                    + " valid until \\S+; due for renewal from \\S+"),
        after.toString());

    // Another key's certificate in its place: the TPM key is not the one it certifies.
    writeCertificate(chain, OTHER_CA.leaf("check-tpm-key", TestPki.KeyType.EC_P256));
    CliRun swapped = checkExits(device, 2);

    assertLine(
        swapped,
        "tpm-key",
        "error",
        key + ": the certificate in " + chain + " certifies another key",
        "run dps-agent provision again: DPS issues a certificate for this key");
  }

  @Test
  void aKeyThatCanLeaveTheTpmWarns() throws Exception {
    int handle = 0x81000142;
    Device device = tpmKeyDevice("check-dup-key", handle);
    createTpmIdentity(device);
    persistDuplicableKey(handle);

    CliRun run = checkExits(device, 0);

    assertLine(
        run,
        "tpm-key",
        "warning",
        tpmKey(ISSUANCE_KEY, handle)
            + ": ecc-p256 signing key (sensitiveDataOrigin|userWithAuth|sign) can leave the TPM:"
            + " fixedTPM, fixedParent or sensitiveDataOrigin is not set",
        "create a new key with dps-agent tpm keygen, which sets them, and have it certified");
  }

  @Test
  void anObjectThatIsNoSigningKeyIsAnError() throws Exception {
    Device device = tpmKeyDevice("check-srk-key", 0x81000001);
    createTpmIdentity(device);

    String line = line(checkExits(device, 2), "tpm-key");

    assertTrue(
        line.startsWith(
            "[error] tpm-key: the RSA object at tpm:handle=0x81000001 (TPM at "
                + tpm.tcti()
                + ") is not an unrestricted ECC P-256 or RSA 2048 signing key (attributes "),
        line);
    assertTrue(
        line.endsWith(
            DASH_FIX
                + "name a signing key's handle, or evict the object there (tpm2_evictcontrol -C o"
                + " -c 0x81000001) and create one: dps-agent tpm keygen --handle 0x81000001"),
        line);
  }

  @Test
  void anX509IdentityKeyMissingFromTheTpmIsAnErrorWithExit6() throws Exception {
    Path chain =
        writeCertificate(
            home.resolve("identity-chain.pem"),
            OTHER_CA.leaf("check-x509-tpm", TestPki.KeyType.EC_P256));
    Device device =
        new Device(home)
            .endpoint(emulator)
            .x509("tpm:handle=0x81000143", chain)
            .config("[tpm]\ntcti = \"" + tpm.tcti() + "\"\n");

    CliRun run = checkExits(device, 6);

    assertLine(
        run,
        "tpm-key",
        "error",
        tpmKey("identity_pk", 0x81000143) + ": no key is persisted at 0x81000143",
        "create it (dps-agent tpm keygen --handle 0x81000143), have its CSR certified (dps-agent"
            + " tpm csr) and install the certificate");
  }

  @Test
  void anIssuedCertificatePastItsRenewalPointWarns() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Device device = fileKeyDevice("check-renewal");
    Path chain = writeIssued(device, now.minus(Duration.ofHours(9)), now.plus(Duration.ofHours(1)));

    assertReissue(
        checkExits(device, 0),
        "warning",
        "issued certificate CN=check-renewal in "
            + chain
            + " is past its renewal point (80% of its lifetime, "
            + now.minus(Duration.ofHours(1))
            + "); it expires on "
            + now.plus(Duration.ofHours(1))
            + ", in 59 minutes");
  }

  @Test
  void anExpiredIssuedCertificateIsAnError() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Device device = fileKeyDevice("check-expired");
    Path chain =
        writeIssued(device, now.minus(Duration.ofDays(2)), now.minus(Duration.ofMinutes(5)));

    assertReissue(
        checkExits(device, 2),
        "error",
        "issued certificate CN=check-expired in "
            + chain
            + " expired on "
            + now.minus(Duration.ofMinutes(5)));
  }

  @Test
  void aRecordedCertificateThatIsGoneIsAnError() throws Exception {
    Device device = fileKeyDevice("check-gone");
    provisioned(device);
    Path chain = issuedChain(device);
    Files.delete(chain);

    assertReissue(
        checkExits(device, 2),
        "error",
        "connection.json names the issued certificate "
            + chain
            + ", but "
            + chain
            + " does not exist");
  }

  /** Where provisioning puts the chain DPS issued to {@code device}. */
  private static Path issuedChain(Device device) {
    return device.outputDir.resolve("device-cert.pem");
  }

  /** A certificate for the device's registration ID in the issued chain's place. */
  private static Path writeIssued(Device device, Instant notBefore, Instant notAfter)
      throws Exception {
    Files.createDirectories(device.outputDir);
    return writeCertificate(
        issuedChain(device),
        OTHER_CA.leaf(device.registrationId(), TestPki.KeyType.EC_P256, notBefore, notAfter));
  }

  private static Path writeCertificate(Path file, TestPki.Leaf leaf) throws Exception {
    return Files.writeString(file, TestPki.pem(leaf.certificate()));
  }

  /**
   * A signing key without fixedTPM|fixedParent under the SRK, persisted at {@code handle} with
   * tpm2-tools as another tool would.
   */
  private void persistDuplicableKey(int handle) throws Exception {
    String pub = home.resolve("dup.pub").toString();
    String priv = home.resolve("dup.priv").toString();
    String context = home.resolve("dup.ctx").toString();
    String attributes = "sign|userwithauth|sensitivedataorigin";
    tpm2(
        "tpm2_create", "-C", "0x81000001", "-G", "ecc256", "-a", attributes, "-u", pub, "-r", priv);
    tpm2("tpm2_load", "-C", "0x81000001", "-u", pub, "-r", priv, "-c", context);
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", context, String.format("0x%08X", handle));
    tpm2("tpm2_flushcontext", "-t");
  }

  private void tpm2(String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    args.add(1, "-T");
    args.add(2, tpm.tcti().toString());
    Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command[0] + " did not finish in 30 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", args) + ": " + output);
  }
}
