package io.dpsagent.hsm.testing;

import io.dpsagent.hsm.Attestor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import tss.Crypto;
import tss.Tss;
import tss.tpm.TPM2B_DIGEST_KEYEDHASH;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM2B_SENSITIVE_DATA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_KEYEDHASH_PARMS;
import tss.tpm.TPMS_SCHEME_HMAC;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SENSITIVE;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;

/**
 * Builds DPS TPM activation blobs the way the service does (software MakeCredential to the EK,
 * software Duplicate to the SRK, AES-128-CFB inner wrapper), with TSS.Java's software helpers.
 * Test-only: it also makes deliberately broken blobs.
 */
public final class TpmChallengeBuilder {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TPMT_PUBLIC ek;
  private final TPMT_PUBLIC srk;
  private TPMT_PUBLIC credentialBoundTo;
  private boolean wrongUnique;

  /** For the device whose EK and SRK (marshalled TPM2B_PUBLIC, as sent to DPS) are given. */
  public TpmChallengeBuilder(byte[] ekTpm2bPublic, byte[] srkTpm2bPublic) {
    this.ek = TPM2B_PUBLIC.fromBytes(ekTpm2bPublic).publicArea;
    this.srk = TPM2B_PUBLIC.fromBytes(srkTpm2bPublic).publicArea;
    this.credentialBoundTo = srk;
  }

  /** For the device behind {@code attestor}. */
  public static TpmChallengeBuilder forDevice(Attestor attestor) {
    return new TpmChallengeBuilder(attestor.endorsementKey(), attestor.storageRootKey());
  }

  /**
   * Makes the key's public {@code unique} not match its sensitive part (Import: TPM_RC_BINDING).
   */
  public TpmChallengeBuilder wrongUnique() {
    this.wrongUnique = true;
    return this;
  }

  /** Binds the credential to another key's name instead of the SRK's. */
  public TpmChallengeBuilder credentialBoundTo(byte[] otherTpm2bPublic) {
    this.credentialBoundTo = TPM2B_PUBLIC.fromBytes(otherTpm2bPublic).publicArea;
    return this;
  }

  /** The base64-decoded {@code authenticationKey} that carries {@code hmacKey}. */
  public byte[] build(byte[] hmacKey) {
    byte[] seedValue = random(32);
    byte[] unique = sha256(concat(wrongUnique ? random(32) : seedValue, hmacKey));
    TPMT_PUBLIC identity =
        new TPMT_PUBLIC(
            TPM_ALG_ID.SHA256,
            new TPMA_OBJECT(TPMA_OBJECT.sign, TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA),
            new byte[0],
            new TPMS_KEYEDHASH_PARMS(new TPMS_SCHEME_HMAC(TPM_ALG_ID.SHA256)),
            new TPM2B_DIGEST_KEYEDHASH(unique));
    TPMT_SENSITIVE sensitive =
        new TPMT_SENSITIVE(new byte[0], seedValue, new TPM2B_SENSITIVE_DATA(hmacKey.clone()));
    Tss.DuplicationBlob duplicate =
        Tss.createDuplicationBlob(
            srk, identity, sensitive, new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB));
    Tss.ActivationCredential credential =
        Tss.createActivationCredential(ek, credentialBoundTo.getName(), duplicate.InnerWrapperKey);
    byte[] encryptedUri =
        Crypto.cfbEncrypt(
            true,
            TPM_ALG_ID.AES,
            duplicate.InnerWrapperKey,
            new byte[0],
            "https://dps.example/registrations".getBytes(StandardCharsets.US_ASCII));

    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    for (byte[] part :
        new byte[][] {
          credential.CredentialBlob.toBytes(),
          credential.Secret,
          duplicate.DuplicateObject,
          duplicate.EncryptedSeed,
          identity.toBytes(),
          encryptedUri
        }) {
      blob.write(part.length >>> 8);
      blob.write(part.length);
      blob.writeBytes(part);
    }
    return blob.toByteArray();
  }

  /** A fresh random HMAC key of 32 bytes, as DPS issues. */
  public static byte[] randomKey() {
    return random(32);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
