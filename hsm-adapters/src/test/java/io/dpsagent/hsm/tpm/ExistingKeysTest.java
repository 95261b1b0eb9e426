package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.testing.Swtpm;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tss.Tpm;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_NV;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_NV_PUBLIC;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/**
 * A TPM that already has keys at the EK and SRK handles and a certificate in the EK certificate
 * index, put there before the attestor first runs: the attestor must use them as they are.
 */
class ExistingKeysTest {

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);
  private static byte[] presetEk;
  private static byte[] presetSrk;
  private static byte[] certificate;

  @BeforeAll
  static void provision() throws Exception {
    X509Certificate cert = TestPki.rootCa("ek-cert-test").certificate();
    certificate = cert.getEncoded();
    try (Tpm tpm = Tpms.open(TPM.get().tcti())) {
      // An EK as the Azure Java SDK makes it (userWithAuth, owner hierarchy): not the TCG template.
      TPMT_PUBLIC ek = KeyTemplates.endorsementKey();
      ek.objectAttributes =
          new TPMA_OBJECT(
              TPMA_OBJECT.fixedTPM,
              TPMA_OBJECT.fixedParent,
              TPMA_OBJECT.sensitiveDataOrigin,
              TPMA_OBJECT.userWithAuth,
              TPMA_OBJECT.restricted,
              TPMA_OBJECT.decrypt);
      ek.authPolicy = new byte[0];
      ek.unique = new TPM2B_PUBLIC_KEY_RSA();
      presetEk = persist(tpm, TPM_RH.OWNER, ek, TpmSettings.DEFAULT_EK_HANDLE);
      TPMT_PUBLIC srk = KeyTemplates.storageRootKey();
      srk.unique = new TPM2B_PUBLIC_KEY_RSA("other SRK".getBytes());
      presetSrk = persist(tpm, TPM_RH.OWNER, srk, TpmSettings.DEFAULT_SRK_HANDLE);
      writeCertificateWithPadding(tpm, certificate, 1700);
      persist(tpm, TPM_RH.OWNER, KeyTemplates.storageRootKey(), 0x81000002);
    }
  }

  private static byte[] persist(Tpm tpm, TPM_RH hierarchy, TPMT_PUBLIC template, int handle) {
    CreatePrimaryResponse created =
        tpm.CreatePrimary(
            TPM_HANDLE.from(hierarchy),
            new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]),
            template,
            new byte[0],
            new TPMS_PCR_SELECTION[0]);
    tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), created.handle, TPM_HANDLE.from(handle));
    tpm.FlushContext(created.handle);
    return new TPM2B_PUBLIC(created.outPublic).toBytes();
  }

  /** Like vendors that size the index generously: the DER certificate followed by zeros. */
  private static void writeCertificateWithPadding(Tpm tpm, byte[] der, int size) {
    TPM_HANDLE index = TPM_HANDLE.from(TpmAttestor.EK_CERTIFICATE_NV_INDEX);
    index.AuthValue = new byte[0];
    tpm.NV_DefineSpace(
        TPM_HANDLE.from(TPM_RH.OWNER),
        new byte[0],
        new TPMS_NV_PUBLIC(
            index,
            TPM_ALG_ID.SHA256,
            new TPMA_NV(TPMA_NV.AUTHREAD, TPMA_NV.AUTHWRITE, TPMA_NV.OWNERREAD, TPMA_NV.NO_DA),
            new byte[0],
            size));
    byte[] content = Arrays.copyOf(der, size);
    for (int offset = 0; offset < size; offset += 512) {
      tpm.NV_Write(
          index, index, Arrays.copyOfRange(content, offset, Math.min(size, offset + 512)), offset);
    }
  }

  @Test
  void existingKeysAreUsedAsTheyAreAndNeverReplaced() throws Exception {
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      assertArrayEquals(presetEk, attestor.endorsementKey());
      assertArrayEquals(presetSrk, attestor.storageRootKey());
      assertEquals(RegistrationIds.fromEndorsementKey(presetEk), attestor.registrationId());
    }
    try (TpmAttestor again = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      assertArrayEquals(presetEk, again.endorsementKey());
      assertArrayEquals(presetSrk, again.storageRootKey());
    }
  }

  @Test
  void endorsementCertificateIsReadInChunksAndTrimmedToItsDerLength() throws Exception {
    assertTrue(certificate.length < 1700);
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults())) {
      assertArrayEquals(certificate, attestor.endorsementCertificate().orElseThrow());
      assertEquals(List.of(), attestor.loadedHandles());
    }
  }

  @Test
  void signerRefusesAKeyThatIsNotAnHmacKey() throws Exception {
    TpmSettings settings = TpmSettings.defaults().withIdentityKeyHandle(0x81000002);
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), settings)) {
      HsmException e = assertThrows(HsmException.class, attestor::signer);
      assertEquals("the key at 0x81000002 is a RSA key, not an HMAC identity key", e.getMessage());
    }
  }

  @Test
  void derTrimmingLeavesUnpaddedOrNonDerDataAlone() {
    byte[] shortForm = {0x30, 0x03, 1, 2, 3, 0, 0};
    assertArrayEquals(new byte[] {0x30, 0x03, 1, 2, 3}, EndorsementCertificate.trimDer(shortForm));
    byte[] exact = {0x30, 0x03, 1, 2, 3};
    assertArrayEquals(exact, EndorsementCertificate.trimDer(exact));
    byte[] notDer = {0x04, 0x01, 9, 0};
    assertArrayEquals(notDer, EndorsementCertificate.trimDer(notDer));
  }
}
