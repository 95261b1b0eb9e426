package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmSigningKey;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import io.dpsagent.hsm.tpm.TpmTestAccess;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tss.Tpm;
import tss.tpm.GetCapabilityResponse;
import tss.tpm.TPML_HANDLE;
import tss.tpm.TPM_CAP;

/**
 * X.509 attestation whose private key never leaves the TPM (swtpm): the factory creates the key and
 * its CSR with the agent, a CA certifies it, DPS pins the certificate in an individual enrollment,
 * and {@code provision} signs its TLS handshake with TPM2_Sign.
 */
class TpmX509ProvisioningTest {

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startAllTransports);

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();
  private final Swtpm swtpm = TPM.get();

  @TempDir Path home;

  @ParameterizedTest
  @CsvSource({
    "https, 0x81000111, ecc-p256",
    "mqtt, 0x81000112, ecc-p256",
    "mqtt5, 0x81000113, ecc-p256",
    "https, 0x81000114, rsa-2048"
  })
  void aKeyMadeInTheTpmAttestsAnIndividualEnrollment(String transport, String handle, String type)
      throws Exception {
    String cn = "tpm-x509-" + transport + "-" + type;
    Device device =
        new Device(home)
            .transport(transport)
            .endpoint(
                Emulators.endpointOf(emulator, transport), emulator.idScope(), emulator.caFile());
    device.x509(TestPki.rootCa("placeholder").leaf("placeholder", TestPki.KeyType.EC_P256));
    device.config("[tpm]\ntcti = \"" + swtpm.tcti() + "\"");
    String config = device.writeConfig();

    // Factory: key and CSR in the TPM, certificate from the CA, enrollment pinning it.
    CliRun keygen =
        CliRun.of("tpm", "keygen", "--config", config, "--handle", handle, "--type", type);
    assertExit(0, keygen);
    CliRun csr =
        CliRun.of("tpm", "csr", "--config", config, "--handle", handle, "--subject", "CN=" + cn);
    assertExit(0, csr);
    List<X509Certificate> chain = TestPki.rootCa("Factory CA " + cn).certify(cn, publicKey(csr));
    Path chainFile = home.resolve("device-chain.pem");
    Files.writeString(chainFile, TestPki.pem(chain.toArray()));
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.x509(cn, chain.get(0)));
    String keyUri = "tpm:handle=" + handle;
    Files.writeString(
        device.configFile,
        Files.readString(device.configFile)
            .replaceAll(
                "identity_pk = \\{[^\\n]*\\n", "identity_pk = { uri = \"" + keyUri + "\" }\n"));

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    ConnectionInfo connection = device.connection();
    assertEquals(cn, connection.deviceId());
    assertEquals("x509", connection.hubAuth().type());
    assertEquals(keyUri, connection.hubAuth().references().get("privateKeyUri"));
    TpmSigningKey key =
        TpmSigningKeys.read(
            swtpm.tcti(), TpmTimeouts.defaults(), io.dpsagent.hsm.TpmKeyUri.parseHandle(handle));
    assertTrue(key.nonDuplicable(), key.toString());
    assertArrayEquals(key.publicKey().getEncoded(), chain.get(0).getPublicKey().getEncoded());
    assertEquals(List.of(), transientHandles());
  }

  private static PublicKey publicKey(CliRun csr) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(csr.stdout()))) {
      PKCS10CertificationRequest request = (PKCS10CertificationRequest) parser.readObject();
      return new JcaPEMKeyConverter()
          .setProvider(new BouncyCastleProvider())
          .getPublicKey(request.getSubjectPublicKeyInfo());
    }
  }

  private List<Integer> transientHandles() throws Exception {
    try (Tpm tpm = TpmTestAccess.open(swtpm.tcti())) {
      GetCapabilityResponse caps = tpm.GetCapability(TPM_CAP.HANDLES, 0x80000000, 64);
      return java.util.Arrays.stream(((TPML_HANDLE) caps.capabilityData).handle)
          .map(h -> h.handle)
          .filter(h -> h >>> 24 == 0x80)
          .toList();
    }
  }
}
