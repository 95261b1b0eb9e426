package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertLastLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.SoftHsm;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys in the TPM (swtpm) reached through the PKCS#11 path: tpm2-pkcs11's module, with keys made by
 * its own tool (tpm2_ptool) or by the agent's factory commands, used for provisioning against the
 * emulator.
 */
class Tpm2Pkcs11ProvisioningTest {

  private static final Provider BC = new BouncyCastleProvider();
  private static final TestPki.Issuer ROOT = TestPki.rootCa("TPM Token Fleet Root");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(
          () -> {
            DpsEmulator emulator = Emulators.startAllTransports();
            emulator
                .registry()
                .addEnrollmentGroup(EnrollmentGroup.x509("tpm-token-group", ROOT.certificate()));
            return emulator;
          });

  @RegisterExtension
  static final ClassFixture<Tpm2Pkcs11Token> TOKEN = ClassFixture.of(Tpm2Pkcs11Token::start);

  @TempDir Path home;

  private CliRun agent(String stdin, String... args) throws Exception {
    return AgentProcess.run(home.resolve("logs"), TOKEN.get().environment(), stdin, args);
  }

  private CliRun provision(Device device) throws Exception {
    return agent("", "provision", "--config", device.writeConfig());
  }

  /** The private key's attributes as pkcs11-tool lists them, e.g. "sensitive, ...". */
  private static String privateKeyAccess(String label) {
    SoftHsm.Result listed = TOKEN.get().pkcs11Tool("--list-objects", "--type", "privkey");
    assertEquals(0, listed.exitCode(), listed.output());
    String[] objects = listed.output().split("Private Key Object");
    for (String object : objects) {
      if (object.contains("label:      " + label + "\n")) {
        return object.lines().filter(l -> l.contains("Access:")).findFirst().orElse("").strip();
      }
    }
    throw new AssertionError("no private key " + label + " in " + listed.output());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt", "mqtt5"})
  void aKeyMadeWithTpm2PtoolSignsTheTlsHandshake(String transport) throws Exception {
    String label = "ptool-" + transport;
    String cn = "tpm-token-" + transport;
    TOKEN
        .get()
        .ptool(
            "addkey",
            "--label=" + Tpm2Pkcs11Token.LABEL,
            "--key-label=" + label,
            "--algorithm=ecc256");
    // The factory CA certifies the public key the token shows; tpm2_ptool stores the certificate
    // under the key's CKA_ID, which makes the key visible to the agent.
    PublicKey tokenKey = TOKEN.get().ecPublicKey(label);
    List<X509Certificate> chain = ROOT.certify(cn, tokenKey);
    Path leaf = home.resolve(label + ".pem");
    Files.writeString(leaf, TestPki.pem(chain.get(0)));
    TOKEN
        .get()
        .ptool(
            "addcert", "--label=" + Tpm2Pkcs11Token.LABEL, "--key-label=" + label, leaf.toString());
    EMULATOR.get().registry().addIndividualEnrollment(IndividualEnrollment.x509(cn, chain.get(0)));
    Device device =
        new Device(home)
            .endpoint(EMULATOR.get(), transport)
            .x509(TOKEN.get().uri("object=" + label + ";type=private"), null);

    CliRun run = provision(device);

    assertExit(0, run);
    assertEquals(cn, device.connection().deviceId());
    assertEquals(
        "Access:     sensitive, always sensitive, never extractable, local",
        privateKeyAccess(label));
    assertFalse(run.stderr().contains(TOKEN.get().userPin()), "the PIN is never shown");
  }

  @Test
  void theAgentsFactoryCommandsMakeTheKeyInTheTpm() throws Exception {
    String uri = TOKEN.get().uri("object=factory;type=private");
    String cn = "tpm-token-factory";
    CliRun keygen = agent("", "pkcs11", "keygen", "--uri", uri);
    assertExit(0, keygen);
    CliRun csr = agent("", "pkcs11", "csr", "--uri", uri, "--subject", "CN=" + cn);
    assertExit(0, csr);
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(csr.stdout()))) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    assertTrue(
        request.isSignatureValid(
            new JcaContentVerifierProviderBuilder()
                .setProvider(BC)
                .build(request.getSubjectPublicKeyInfo())),
        "the CSR is signed by the key in the TPM");
    PublicKey publicKey =
        new JcaPEMKeyConverter().setProvider(BC).getPublicKey(request.getSubjectPublicKeyInfo());
    List<X509Certificate> chain = ROOT.certify(cn, publicKey);
    Path chainFile = home.resolve("chain.pem");
    Files.writeString(chainFile, TestPki.pem(chain.toArray()));
    CliRun stored =
        agent("", "pkcs11", "import-cert", "--uri", uri, "--chain", chainFile.toString());
    assertExit(0, stored);
    Device device = new Device(home).endpoint(EMULATOR.get(), "https").x509(uri, null);

    CliRun run = provision(device);

    assertExit(0, run);
    assertEquals(cn, device.connection().deviceId());
    assertEquals(Optional.of("tpm-token-group"), device.connection().enrollmentGroupId());
    // The agent's private key carries no label of its own (SunPKCS11 labels the certificate).
    assertEquals(
        "Access:     sensitive, always sensitive, never extractable, local", privateKeyAccess(""));
  }

  @Test
  void anHmacKeyImportedWithTpm2PtoolSignsTheSas() throws Exception {
    String key = Device.newKey();
    Path raw = TOKEN.get().privateFile("sas.key", Base64.getDecoder().decode(key));
    try {
      TOKEN
          .get()
          .ptool(
              "import",
              "--label=" + Tpm2Pkcs11Token.LABEL,
              "--key-label=sas",
              "--algorithm=hmac:sha256",
              "--privkey=" + raw);
    } finally {
      Files.delete(raw);
    }
    EMULATOR
        .get()
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("tpm-token-sas", key));
    Device device =
        new Device(home)
            .registrationId("tpm-token-sas")
            .endpoint(EMULATOR.get())
            .symmetricKeyUri(TOKEN.get().uri("object=sas;type=secret-key"));

    CliRun run = provision(device);

    assertExit(0, run);
    assertEquals("tpm-token-sas", device.connection().deviceId());
    assertFalse(
        Files.exists(device.outputDir.resolve("connection-string")),
        "a token key is never written out");
    // tpm2-pkcs11 answers a read of the value with nothing rather than an error.
    Path value = home.resolve("value.bin");
    SoftHsm.Result read =
        TOKEN
            .get()
            .pkcs11Tool(
                "--read-object", "--type", "secrkey", "--label", "sas", "-o", value.toString());
    assertEquals(0, Files.exists(value) ? Files.size(value) : 0, read.output());
    assertTrue(
        TOKEN
            .get()
            .pkcs11Tool("--list-objects", "--type", "secrkey")
            .output()
            .contains("Access:     sensitive"),
        "the key is sensitive");
    assertFalse(run.stderr().contains(key), "the key is never shown");
  }

  /** tpm2-pkcs11 creates no secret key objects (C_CreateObject); tpm2_ptool import does it. */
  @Test
  void theAgentCannotImportASecretKeyIntoThisModule() throws Exception {
    String uri = TOKEN.get().uri("object=imported;type=secret-key");
    String key = Device.newKey();

    CliRun run = agent(key + "\n", "pkcs11", "import-key", "--uri", uri);

    assertLastLine(
        6,
        run,
        "dps-agent: error: cannot store "
            + uri
            + ": the module refused to create the secret key (CKR_ATTRIBUTE_VALUE_INVALID); if it"
            + " cannot create secret keys, import the key with the module's own tool (tpm2-pkcs11:"
            + " tpm2_ptool import --algorithm hmac:sha256)");
    assertFalse(run.stderr().contains(key), "the key is never shown");
  }
}
