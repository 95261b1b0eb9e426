package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.testing.Swtpm;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dps-agent tpm keygen} and {@code tpm csr} against a real swtpm named by the config. */
class TpmKeyCommandsTest {

  private static Swtpm swtpm;
  private static Path config;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    swtpm = Swtpm.start();
    config = dir.resolve("config.toml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "[provisioning]",
            "id_scope = \"0ne00000042\"",
            "[provisioning.attestation]",
            "method = \"x509\"",
            "identity_cert = { uri = \"file:///etc/dps-agent/device-chain.pem\" }",
            "identity_pk = { uri = \"tpm:handle=0x81000101\" }",
            "[tpm]",
            "tcti = \"" + swtpm.tcti() + "\"",
            ""));
  }

  @AfterAll
  static void stop() {
    swtpm.close();
  }

  private static CliRun tpm(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "tpm";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--config";
    full[args.length + 2] = config.toString();
    return CliRun.of(full);
  }

  /**
   * Asserts that {@code run} failed with exit 2, the line {@code error} on stderr, nothing on
   * stdout.
   */
  private static void assertConfigError(CliRun run, String error) {
    assertEquals(2, run.exitCode(), run.toString());
    assertEquals("dps-agent: error: " + error + "\n", run.stderr());
    assertEquals("", run.stdout());
  }

  @Test
  void keygenThenCsrSignedByThatKey() throws Exception {
    CliRun keygen = tpm("keygen", "--handle", "0x81000101");
    assertEquals(0, keygen.exitCode(), keygen.toString());
    String[] lines = keygen.stdout().split("\n");
    assertEquals("persisted ecc-p256 signing key tpm:handle=0x81000101", lines[0]);
    assertEquals(
        "attributes: fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign", lines[1]);
    assertEquals("-----BEGIN PUBLIC KEY-----", lines[2]);
    assertEquals("-----END PUBLIC KEY-----", lines[lines.length - 1]);
    byte[] publicKey =
        Base64.getMimeDecoder()
            .decode(String.join("\n", java.util.Arrays.copyOfRange(lines, 3, lines.length - 1)));

    CliRun csr = tpm("csr", "--handle", "0x81000101", "--subject", "CN=factory-dev-7");

    assertEquals(0, csr.exitCode(), csr.toString());
    assertEquals("", csr.stderr());
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(csr.stdout()))) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    assertEquals("CN=factory-dev-7", request.getSubject().toString());
    assertArrayEquals(publicKey, request.getSubjectPublicKeyInfo().getEncoded());
    assertTrue(
        request.isSignatureValid(
            new JcaContentVerifierProviderBuilder()
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .build(request.getSubjectPublicKeyInfo())));
  }

  @Test
  void anRsaKeyOnRequest() {
    CliRun keygen = tpm("keygen", "--handle", "0x81000102", "--type", "rsa-2048");
    assertEquals(0, keygen.exitCode(), keygen.toString());
    assertTrue(
        keygen.stdout().startsWith("persisted rsa-2048 signing key tpm:handle=0x81000102\n"),
        keygen.stdout());
  }

  @Test
  void aTakenHandleIsRefusedAsAConfigError() {
    assertEquals(0, tpm("keygen", "--handle", "0x81000103").exitCode());
    assertConfigError(
        tpm("keygen", "--handle", "0x81000103"),
        "a key is already persisted at 0x81000103; it is never replaced (a certificate may name"
            + " it): choose another handle, or evict it first (tpm2_evictcontrol -C o -c"
            + " 0x81000103)");
  }

  @Test
  void aCsrForAnEmptyHandleNamesIt() {
    assertConfigError(
        tpm("csr", "--handle", "0x81000177", "--subject", "CN=x"),
        "no key is persisted at tpm:handle=0x81000177 (TPM at "
            + swtpm.tcti()
            + "); create a signing key there first");
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertConfigError(
        tpm("csr", "--handle", "0x8100010G", "--subject", "CN=x"),
        "--handle: handle '0x8100010G' is not a hex persistent handle such as 0x81000101");
    assertConfigError(
        tpm("keygen", "--handle", "0x81000104", "--type", "ecc-p384"),
        "--type: unknown TPM key type 'ecc-p384'; use ecc-p256 or rsa-2048");
    assertConfigError(
        tpm("csr", "--handle", "0x81000101", "--subject", "not a dn"),
        "--subject: subject 'not a dn' is not a distinguished name; write it e.g. CN=my-device-01");
  }
}
