package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.security.SecureRandom;
import java.util.Arrays;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_SE;

/**
 * Takes in the identity key DPS sends: one pass through the TPM from activation blob to persisted
 * key, with every transient object and session flushed on the way out.
 */
final class IdentityKeyImport {

  private static final SecureRandom RANDOM = new SecureRandom();

  private IdentityKeyImport() {}

  /**
   * The device half of DPS TPM attestation: recover the inner wrapper key with the EK (whose policy
   * needs PolicySecret(endorsement)), import the identity key under the SRK with it, and persist
   * it.
   */
  static void importIdentityKey(TpmConnection c, TpmSettings settings, ActivationBlob blob)
      throws HsmException {
    TPM_HANDLE srk = TPM_HANDLE.from(settings.storageRootKeyHandle());
    srk.AuthValue = new byte[0];
    TPM_HANDLE ek = TPM_HANDLE.from(settings.endorsementKeyHandle());
    String srkName = "SRK " + TpmConnection.hex(settings.storageRootKeyHandle());
    String ekName = "EK " + TpmConnection.hex(settings.endorsementKeyHandle());
    String identity = TpmConnection.hex(settings.identityKeyHandle());
    byte[] innerKey = null;
    try (Transients transients = new Transients(c)) {
      byte[] nonce = new byte[32];
      RANDOM.nextBytes(nonce);
      TPM_HANDLE session =
          transients.track(
              c.run(
                      "StartAuthSession(policy, SHA-256)",
                      t ->
                          t.StartAuthSession(
                              TPM_HANDLE.NULL,
                              TPM_HANDLE.NULL,
                              nonce,
                              new byte[0],
                              TPM_SE.POLICY,
                              new TPMT_SYM_DEF(),
                              TPM_ALG_ID.SHA256))
                  .handle);
      c.runVoid(
          "PolicySecret(endorsement hierarchy)",
          t ->
              t.PolicySecret(
                  Hierarchies.endorsement(settings),
                  session,
                  new byte[0],
                  new byte[0],
                  new byte[0],
                  0));
      byte[] recovered =
          c.run(
              "ActivateCredential(" + srkName + ", " + ekName + ")",
              t ->
                  t._withSessions(TPM_HANDLE.pwSession(new byte[0]), session)
                      .ActivateCredential(srk, ek, blob.credentialBlob(), blob.credentialSeed()));
      innerKey = recovered;
      transients.flush(session);
      if (recovered.length != 16 && recovered.length != 24 && recovered.length != 32) {
        throw new HsmException(
            "TPM activation blob: the credential holds a "
                + recovered.length
                + "-byte key; expected an AES key of 16, 24 or 32 bytes");
      }
      TPMT_SYM_DEF_OBJECT innerWrapper =
          new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, recovered.length * 8, TPM_ALG_ID.CFB);
      TPM2B_PRIVATE imported =
          c.run(
              "Import(identity key under " + srkName + ")",
              t ->
                  t.Import(
                      srk,
                      recovered,
                      blob.identityKey(),
                      new TPM2B_PRIVATE(blob.duplicate()),
                      blob.importSeed(),
                      innerWrapper));
      TPM_HANDLE loaded =
          transients.track(
              c.run(
                  "Load(identity key under " + srkName + ")",
                  t -> t.Load(srk, imported, blob.identityKey())));
      TPM_HANDLE persistent = TPM_HANDLE.from(settings.identityKeyHandle());
      if (c.readPublic(settings.identityKeyHandle(), "identity key").isPresent()) {
        c.runVoid(
            "EvictControl(remove old identity key at " + identity + ")",
            t -> t.EvictControl(Hierarchies.owner(settings), persistent, persistent));
      }
      c.runVoid(
          "EvictControl(persist identity key at " + identity + ")",
          t -> t.EvictControl(Hierarchies.owner(settings), loaded, persistent));
    } finally {
      if (innerKey != null) {
        Arrays.fill(innerKey, (byte) 0);
      }
    }
  }
}
