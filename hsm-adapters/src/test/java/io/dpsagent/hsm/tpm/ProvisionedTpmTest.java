package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TpmChallengeBuilder;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tss.Tpm;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPM_HANDLE;

/** A TPM provisioned like a vendor's (swtpm_setup): persistent EK and its certificate in NV. */
class ProvisionedTpmTest {

  @RegisterExtension
  static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::startProvisioned);

  private static byte[] vendorEk;

  @BeforeAll
  static void start() throws Exception {
    try (Tpm tpm = Tpms.open(TPM.get().tcti())) {
      vendorEk =
          new TPM2B_PUBLIC(tpm.ReadPublic(TPM_HANDLE.from(TpmSettings.DEFAULT_EK_HANDLE)).outPublic)
              .toBytes();
    }
  }

  @Test
  void vendorEndorsementKeyIsUsedAndItsCertificateMatchesIt() throws Exception {
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      assertArrayEquals(vendorEk, attestor.endorsementKey());
      // swtpm_setup creates the TCG template L-1 EK: the same public area the attestor would
      // create.
      assertArrayEquals(
          KeyTemplates.EK_POLICY, TPM2B_PUBLIC.fromBytes(vendorEk).publicArea.authPolicy);

      byte[] der = attestor.endorsementCertificate().orElseThrow();
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      assertArrayEquals(der, cert.getEncoded());
      byte[] modulus =
          ((TPM2B_PUBLIC_KEY_RSA) TPM2B_PUBLIC.fromBytes(vendorEk).publicArea.unique).buffer;
      assertEquals(new BigInteger(1, modulus), ((RSAPublicKey) cert.getPublicKey()).getModulus());
      assertEquals("CN=swtpm-localca", cert.getIssuerX500Principal().getName());
      assertEquals(List.of(), attestor.loadedHandles());
    }
  }

  @Test
  void activationWorksWithTheVendorKey() throws Exception {
    byte[] key = TpmChallengeBuilder.randomKey();
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      byte[] blob = TpmChallengeBuilder.forDevice(attestor).build(key);
      byte[] data = "sr\n1767225600".getBytes(StandardCharsets.UTF_8);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      assertArrayEquals(mac.doFinal(data), attestor.activate(blob).sign(data));
    }
  }
}
