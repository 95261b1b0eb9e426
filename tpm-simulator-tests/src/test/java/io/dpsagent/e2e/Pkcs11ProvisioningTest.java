package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import io.dpsagent.hsm.testing.SoftHsm;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys that never leave a PKCS#11 token (SoftHSM2): SAS keys and X.509 keys put into the token by
 * the agent's factory commands, then used for provisioning against the emulator.
 */
class Pkcs11ProvisioningTest {

  private static final TestPki.Issuer ROOT = TestPki.rootCa("Token Fleet Root");
  private static final TestPki.Issuer INTERMEDIATE = ROOT.intermediate("Token Fleet Intermediate");

  private static DpsEmulator emulator;
  private static SoftHsm.Token token;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulators.startAllTransports();
    emulator
        .registry()
        .addEnrollmentGroup(EnrollmentGroup.x509("token-ca-group", ROOT.certificate()));
    token = SoftHsm.newToken();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static CliRun cli(String stdin, String... args) {
    return CliRun.with(stdin, Map.of(), Clock.systemUTC(), args);
  }

  /** The key's value must never be readable, whatever the agent did with it. */
  private static void assertNotExtractable(String label) {
    SoftHsm.Result read = token.pkcs11Tool("--read-object", "--type", "secrkey", "--label", label);
    assertNotEquals(0, read.exitCode(), read.output());
  }

  private Device device(String id) {
    return new Device(home).registrationId(id).endpoint(emulator);
  }

  /**
   * Imports a new SAS key into the token at {@code uri}, enrolls {@code id} with it, returns it.
   */
  private String importedAndEnrolled(String id, String uri) {
    String key = Device.newKey();
    CliRun imported = cli(key, "pkcs11", "import-key", "--uri", uri);
    assertExit(0, imported);
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, key));
    return key;
  }

  @Test
  void aDeviceKeyImportedIntoTheTokenSignsTheRegistration() throws Exception {
    String uri = token.uri("object=sas-device-1;type=secret-key");
    String key = importedAndEnrolled("token-sas-1", uri);
    Device device = device("token-sas-1").symmetricKeyUri(uri);

    CliRun run = provisioned(device);
    ConnectionInfo connection = device.connection();
    assertTrue(
        connection.hubAuth().references().get("keyUri").startsWith("pkcs11:"),
        connection.toString());
    assertFalse(
        Files.exists(device.outputDir.resolve("connection-string")),
        "a token key is never written out");
    assertFalse(
        run.everything().contains(key) || run.everything().contains(token.userPin()),
        "no secret printed");
    assertNotExtractable("sas-device-1");
  }

  @Test
  void aDaemonServingFromAFreshJvmSignsItsHubTokensWithTheTokenAgain() throws Exception {
    String uri = token.uri("object=sas-daemon;type=secret-key");
    String key = importedAndEnrolled("token-daemon", uri);
    Device device =
        device("token-daemon")
            .symmetricKeyUri(uri)
            .tokenDir(home.resolve("run"))
            .output("token_ttl_seconds = 2");
    try (AgentProcess agent =
        AgentProcess.freshJvmDaemon(home.resolve("logs"), device.writeConfig())) {
      agent.awaitTokenFromAFreshJvm();

      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
      HubTokens.assertSigned(
          Files.readString(home.resolve("run").resolve("hub-token")),
          emulator.registry().registration("token-daemon").orElseThrow(),
          hmac::doFinal);
      assertFalse(agent.stderr().contains(token.userPin()), "no PIN in the log");
      assertEquals(0, agent.stop(), agent.stderr());
    }
    assertNotExtractable("sas-daemon");
  }

  @Test
  void aGroupKeyInTheTokenDerivesTheDeviceKey() throws Exception {
    String groupKey = Device.newKey();
    String uri = token.uri("object=sas-group;type=secret-key");
    assertExit(0, cli(groupKey, "pkcs11", "import-key", "--uri", uri));
    emulator
        .registry()
        .addEnrollmentGroup(EnrollmentGroup.symmetricKey("token-sas-group", groupKey));
    Device device = device("token-group-member").groupKeyUri(uri);

    provisioned(device);
    assertEquals(Optional.of("token-sas-group"), device.connection().enrollmentGroupId());
    assertNotExtractable("sas-group");
    // The factory line derives a member's key inside the token as well.
    CliRun derived =
        CliRun.of("derive-key", "--registration-id", "token-group-member", "--group-key", uri);
    assertExit(0, derived);
    assertEquals(
        SoftwareSymmetricKey.deriveFromGroupKey(
                    SoftwareSymmetricKey.ofBase64(groupKey), "token-group-member")
                .exportBase64(InsecureSecretKeyAccess.get())
            + "\n",
        derived.stdout());
  }

  /**
   * Factory flow: key pair in the token, CSR signed by the token, certificate issued and imported.
   */
  private static List<X509Certificate> issueInToken(String label, String cn, TestPki.Issuer issuer)
      throws Exception {
    String uri = token.uri("object=" + label + ";type=private");
    CliRun keygen = CliRun.of("pkcs11", "keygen", "--uri", uri);
    assertExit(0, keygen);
    CliRun csr = CliRun.of("pkcs11", "csr", "--uri", uri, "--subject", "CN=" + cn);
    assertExit(0, csr);
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(csr.stdout()))) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    java.security.Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    assertTrue(
        request.isSignatureValid(
            new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .setProvider(bc)
                .build(request.getSubjectPublicKeyInfo())),
        "the CSR is signed by the key in the token");
    assertEquals("CN=" + cn, request.getSubject().toString());
    PublicKey publicKey =
        new JcaPEMKeyConverter().setProvider(bc).getPublicKey(request.getSubjectPublicKeyInfo());
    return issuer.certify(cn, publicKey);
  }

  @Test
  void aCsrSubjectThatIsNoDistinguishedNameIsAUsageError() {
    String uri = token.uri("object=bad-subject;type=private");
    CliRun keygen = CliRun.of("pkcs11", "keygen", "--uri", uri);
    assertExit(0, keygen);

    CliRun csr = CliRun.of("pkcs11", "csr", "--uri", uri, "--subject", "not a dn");

    assertStderr(
        2, csr, "dps-agent: error: --subject: improperly specified input name: not a dn\n");
    assertEquals("", csr.stdout());
  }

  private Device x509Device(String transport, String keyUri, Path chainFile) {
    return new Device(home).endpoint(emulator, transport).x509(keyUri, chainFile);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt", "mqtt5"})
  void anX509KeyInTheTokenAttestsAnIndividualEnrollment(String transport) throws Exception {
    String cn = "token-x509-" + transport;
    List<X509Certificate> chain =
        issueInToken("x509-" + transport, cn, TestPki.rootCa("Self " + cn));
    Path chainFile = home.resolve("issued.pem");
    Files.writeString(chainFile, TestPki.pem(chain.get(0)));
    String keyUri = token.uri("object=x509-" + transport + ";type=private");
    CliRun stored =
        CliRun.of("pkcs11", "import-cert", "--uri", keyUri, "--chain", chainFile.toString());
    assertExit(0, stored);
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.x509(cn, chain.get(0)));
    Device device = x509Device(transport, keyUri, null); // the certificate comes from the token

    provisioned(device);
    assertEquals(cn, device.connection().deviceId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void anX509KeyInTheTokenAttestsUnderTheEnrolledCa(String transport) throws Exception {
    String cn = "token-ca-member-" + transport;
    List<X509Certificate> chain = issueInToken("ca-member-" + transport, cn, INTERMEDIATE);
    Path chainFile = home.resolve("chain.pem");
    Files.writeString(chainFile, TestPki.pem(chain.toArray()));
    String keyUri = token.uri("object=ca-member-" + transport + ";type=private");
    Device device = x509Device(transport, keyUri, chainFile); // chain from a file, key in the token

    provisioned(device);
    assertEquals(Optional.of("token-ca-group"), device.connection().enrollmentGroupId());
  }

  @Test
  void anInlinePinWorksButIsWarnedAbout() throws Exception {
    String uri =
        token
            .uri("object=sas-inline;type=secret-key")
            .replace("pin-source=file:" + token.pinFile(), "pin-value=" + token.userPin());
    importedAndEnrolled("token-inline-pin", uri);
    Device device = device("token-inline-pin").symmetricKeyUri(uri);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(0, run, "carries its PIN in pin-value");
    assertFalse(
        run.everything().contains("pin-value=" + token.userPin()), "the PIN itself is never shown");
  }

  @Test
  void aWrongPinFailsAtOnceWithExit6() throws Exception {
    SoftHsm.Token own = SoftHsm.newToken(); // a PIN failure must not touch the shared token
    String uri =
        PinFile.keyUri(
            own, "object=k;type=secret-key", home.resolve("wrong.pin"), "0000-not-it", "rw-------");
    Device device = device("token-wrong-pin").symmetricKeyUri(uri);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertExit(6, run);
    assertFalse(run.everything().contains("0000-not-it"), "the PIN is never shown");
  }

  @Test
  void aMissingObjectIsATokenErrorNamingTheUri() throws Exception {
    Device device =
        device("token-missing").symmetricKeyUri(token.uri("object=no-such-key;type=secret-key"));

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(6, run, "no-such-key");
  }

  @Test
  void aMissingModuleIsATokenError() throws Exception {
    String uri =
        token
            .uri("object=k;type=secret-key")
            .replace(SoftHsm.MODULE, "/usr/lib/nowhere/libnothing.so");
    Device device = device("token-no-module").symmetricKeyUri(uri);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(6, run, "/usr/lib/nowhere/libnothing.so");
  }

  @Test
  void aPinFileReadableByOthersIsRefusedWithExit2() throws Exception {
    Path loose = home.resolve("loose.pin");
    String uri =
        PinFile.keyUri(
            token, "object=sas-device-1;type=secret-key", loose, token.userPin(), "rw-r--r--");
    Device device = device("token-loose-pin").symmetricKeyUri(uri);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(2, run, "chmod 600 " + loose);
  }
}
