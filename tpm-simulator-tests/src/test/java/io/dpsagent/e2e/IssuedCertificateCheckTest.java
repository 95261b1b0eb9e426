package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TestPki;
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

  private static final String DASH_FIX = " \u2014 fix: ";
  private static final String REISSUE =
      "run dps-agent provision (or dps-agent reprovision while the daemon runs): DPS issues a new"
          + " certificate for the same key";
  private static final TestPki.Issuer OTHER_CA = TestPki.rootCa("check other CA");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(
          () ->
              DpsEmulator.start(
                  EmulatorConfig.defaults().toBuilder()
                      .retryAfterSeconds(1)
                      .issuedCertificateValidity(Duration.ofDays(2))
                      .build()));

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();
  private final Swtpm tpm = TPM.get();

  @TempDir Path home;

  /** A symmetric-key device enrolled for issuance with its certificate key at {@code keyUri}. */
  private Device issuingDevice(String id, String keyUri) throws Exception {
    String key = Device.newKey();
    IndividualEnrollment enrollment = IndividualEnrollment.symmetricKey(id, key);
    emulator
        .registry()
        .addIndividualEnrollment(
            enrollment.withOptions(enrollment.options().withCertificateIssuance(true)));
    return Device.named(home, id)
        .endpoint(emulator)
        .deviceKey(key)
        .config(
            "[provisioning.certificate_issuance]\nenabled = true\nkey = { uri = \""
                + keyUri
                + "\" }\n[tpm]\ntcti = \""
                + tpm.tcti()
                + "\"\n");
  }

  private static CliRun check(Device device) throws Exception {
    return CliRun.of("check", "--config", device.writeConfig(), "--user", "root", "--offline");
  }

  /** The one line of check {@code id}. */
  private static String line(CliRun run, String id) {
    List<String> lines =
        run.stdout()
            .lines()
            .filter(l -> l.matches("\\[[a-z]+\\] " + Pattern.quote(id) + ": .*"))
            .toList();
    assertEquals(1, lines.size(), run.toString());
    return lines.get(0);
  }

  private static void assertLine(CliRun run, String id, String status, String message, String fix) {
    assertEquals(
        "[" + status + "] " + id + ": " + message + (fix == null ? "" : DASH_FIX + fix),
        line(run, id));
  }

  private String at(int handle) {
    return String.format(
        "certificate_issuance.key tpm:handle=0x%08X (TPM at %s)", handle, tpm.tcti());
  }

  @Test
  void aTpmKeyNotCreatedYetIsFineAndAfterProvisioningItIsNonDuplicableAndCertified()
      throws Exception {
    int handle = 0x81000141;
    Device device = issuingDevice("check-tpm-key", String.format("tpm:handle=0x%08X", handle));

    CliRun before = check(device);

    assertEquals(0, before.exitCode(), before.toString());
    assertLine(
        before,
        "tpm-key",
        "ok",
        at(handle) + ": no key at 0x81000141 yet: the first provisioning creates it",
        null);
    Path chain = device.outputDir.resolve("device-cert.pem");
    assertLine(
        before,
        "issued-certificate",
        "ok",
        "no certificate issued yet (" + chain + "): the first provisioning requests one",
        null);

    CliRun provision = CliRun.of("provision", "--config", device.writeConfig());
    assertEquals(0, provision.exitCode(), provision.toString());
    CliRun after = check(device);

    assertEquals(0, after.exitCode(), after.toString());
    assertLine(
        after,
        "tpm-key",
        "ok",
        at(handle)
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
    Files.writeString(
        chain, TestPki.pem(OTHER_CA.leaf("check-tpm-key", TestPki.KeyType.EC_P256).certificate()));
    CliRun swapped = check(device);

    assertEquals(2, swapped.exitCode(), swapped.toString());
    assertLine(
        swapped,
        "tpm-key",
        "error",
        at(handle) + ": the certificate in " + chain + " certifies another key",
        "run dps-agent provision again: DPS issues a certificate for this key");
  }

  @Test
  void aKeyThatCanLeaveTheTpmWarns() throws Exception {
    int handle = 0x81000142;
    Device device = issuingDevice("check-dup-key", String.format("tpm:handle=0x%08X", handle));
    assertEquals(0, CliRun.of("tpm", "identity", "--config", device.writeConfig()).exitCode());
    // A signing key without fixedTPM|fixedParent, persisted with tpm2-tools as another tool would.
    Path pub = home.resolve("dup.pub");
    Path priv = home.resolve("dup.priv");
    Path context = home.resolve("dup.ctx");
    tpm2(
        "tpm2_create",
        "-C",
        "0x81000001",
        "-G",
        "ecc256",
        "-a",
        "sign|userwithauth|sensitivedataorigin",
        "-u",
        pub.toString(),
        "-r",
        priv.toString());
    tpm2(
        "tpm2_load",
        "-C",
        "0x81000001",
        "-u",
        pub.toString(),
        "-r",
        priv.toString(),
        "-c",
        context.toString());
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", context.toString(), String.format("0x%08X", handle));
    tpm2("tpm2_flushcontext", "-t");

    CliRun run = check(device);

    assertEquals(0, run.exitCode(), run.toString());
    assertLine(
        run,
        "tpm-key",
        "warning",
        at(handle)
            + ": ecc-p256 signing key (sensitiveDataOrigin|userWithAuth|sign) can leave the TPM:"
            + " fixedTPM, fixedParent or sensitiveDataOrigin is not set",
        "create a new key with dps-agent tpm keygen, which sets them, and have it certified");
  }

  @Test
  void anObjectThatIsNoSigningKeyIsAnError() throws Exception {
    Device device = issuingDevice("check-srk-key", "tpm:handle=0x81000001");
    assertEquals(0, CliRun.of("tpm", "identity", "--config", device.writeConfig()).exitCode());

    CliRun run = check(device);

    assertEquals(2, run.exitCode(), run.toString());
    String line = line(run, "tpm-key");
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
    Path chain = home.resolve("identity-chain.pem");
    Files.writeString(
        chain, TestPki.pem(OTHER_CA.leaf("check-x509-tpm", TestPki.KeyType.EC_P256).certificate()));
    Device device =
        new Device(home)
            .endpoint(emulator)
            .x509("tpm:handle=0x81000143", chain)
            .config("[tpm]\ntcti = \"" + tpm.tcti() + "\"\n");

    CliRun run = check(device);

    assertEquals(6, run.exitCode(), run.toString());
    assertLine(
        run,
        "tpm-key",
        "error",
        "identity_pk tpm:handle=0x81000143 (TPM at "
            + tpm.tcti()
            + "): no key is persisted at 0x81000143",
        "create it (dps-agent tpm keygen --handle 0x81000143), have its CSR certified (dps-agent"
            + " tpm csr) and install the certificate");
  }

  @Test
  void anIssuedCertificatePastItsRenewalPointWarns() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Device device = issuingDevice("check-renewal", home.resolve("k.pem").toUri().toString());
    Path chain = writeIssued(device, now.minus(Duration.ofHours(9)), now.plus(Duration.ofHours(1)));

    CliRun run = check(device);

    assertEquals(0, run.exitCode(), run.toString());
    assertLine(
        run,
        "issued-certificate",
        "warning",
        "issued certificate CN=check-renewal in "
            + chain
            + " is past its renewal point (80% of its lifetime, "
            + now.minus(Duration.ofHours(1))
            + "); it expires on "
            + now.plus(Duration.ofHours(1))
            + ", in 59 minutes",
        REISSUE);
  }

  @Test
  void anExpiredIssuedCertificateIsAnError() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Device device = issuingDevice("check-expired", home.resolve("k.pem").toUri().toString());
    Path chain =
        writeIssued(device, now.minus(Duration.ofDays(2)), now.minus(Duration.ofMinutes(5)));

    CliRun run = check(device);

    assertEquals(2, run.exitCode(), run.toString());
    assertLine(
        run,
        "issued-certificate",
        "error",
        "issued certificate CN=check-expired in "
            + chain
            + " expired on "
            + now.minus(Duration.ofMinutes(5)),
        REISSUE);
  }

  @Test
  void aRecordedCertificateThatIsGoneIsAnError() throws Exception {
    Device device = issuingDevice("check-gone", home.resolve("k.pem").toUri().toString());
    CliRun provision = CliRun.of("provision", "--config", device.writeConfig());
    assertEquals(0, provision.exitCode(), provision.toString());
    Path chain = device.outputDir.resolve("device-cert.pem");
    Files.delete(chain);

    CliRun run = check(device);

    assertEquals(2, run.exitCode(), run.toString());
    assertLine(
        run,
        "issued-certificate",
        "error",
        "connection.json names the issued certificate "
            + chain
            + ", but "
            + chain
            + " does not exist",
        REISSUE);
  }

  /** A certificate for the device's registration ID in the issued chain's place. */
  private static Path writeIssued(Device device, Instant notBefore, Instant notAfter)
      throws Exception {
    Path chain = Files.createDirectories(device.outputDir).resolve("device-cert.pem");
    Files.writeString(
        chain,
        TestPki.pem(
            OTHER_CA
                .leaf(device.registrationId(), TestPki.KeyType.EC_P256, notBefore, notAfter)
                .certificate()));
    return chain;
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
