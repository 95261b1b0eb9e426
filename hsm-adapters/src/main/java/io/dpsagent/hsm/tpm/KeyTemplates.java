package io.dpsagent.hsm.tpm;

import tss.Helpers;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;

/** The public templates of the keys this agent creates when a TPM has none. */
final class KeyTemplates {

  /** PolicySecret(TPM_RH_ENDORSEMENT): the TCG default EK policy. */
  static final byte[] EK_POLICY =
      Helpers.fromHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

  private KeyTemplates() {}

  /**
   * The TCG EK Credential Profile's default RSA template ("L-1"): RSA 2048, AES-128-CFB, the
   * endorsement policy, and a 256-byte all-zero unique. This is the EK swtpm_setup and TPM vendors
   * provision, so a created EK equals the one a certificate would have been issued for.
   */
  static TPMT_PUBLIC endorsementKey() {
    return restrictedDecryptionKey(
        TPMA_OBJECT.adminWithPolicy, EK_POLICY.clone(), new TPM2B_PUBLIC_KEY_RSA(new byte[256]));
  }

  /** The storage root key every Azure TPM client creates: RSA 2048 restricted decryption, no DA. */
  static TPMT_PUBLIC storageRootKey() {
    return restrictedDecryptionKey(
        new TPMA_OBJECT(TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA),
        new byte[0],
        new TPM2B_PUBLIC_KEY_RSA());
  }

  /**
   * An RSA 2048 parent key (restricted decryption, AES-128-CFB) created in and bound to this TPM;
   * the two keys differ only in how their use is authorised and in the unique they start from.
   */
  private static TPMT_PUBLIC restrictedDecryptionKey(
      TPMA_OBJECT authorization, byte[] policy, TPM2B_PUBLIC_KEY_RSA unique) {
    return new TPMT_PUBLIC(
        TPM_ALG_ID.SHA256,
        new TPMA_OBJECT(
            TPMA_OBJECT.fixedTPM,
            TPMA_OBJECT.fixedParent,
            TPMA_OBJECT.sensitiveDataOrigin,
            authorization,
            TPMA_OBJECT.restricted,
            TPMA_OBJECT.decrypt),
        policy,
        new TPMS_RSA_PARMS(
            new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB),
            new TPMS_NULL_ASYM_SCHEME(),
            2048,
            0),
        unique);
  }
}
