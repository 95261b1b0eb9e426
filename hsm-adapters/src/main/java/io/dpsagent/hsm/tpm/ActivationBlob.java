package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.util.Arrays;
import tss.TpmBuffer;
import tss.tpm.TPMS_ID_OBJECT;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;

/**
 * The {@code authenticationKey} DPS sends a TPM device, base64-decoded: six TPM2B structures in a
 * row, each a big-endian u16 size and that many bytes. The blob comes from the network, so every
 * length is checked before use and a bad blob gives one clear message, never a trace.
 *
 * @param credentialBlob TPMS_ID_OBJECT for ActivateCredential (part 1)
 * @param credentialSeed the credential seed encrypted to the EK (part 2)
 * @param duplicate the identity key's TPM2B_PRIVATE contents for Import (part 3)
 * @param importSeed the duplication seed encrypted to the SRK (part 4)
 * @param identityKey the identity key's public area (part 5)
 * @param encryptedUri part 6; unused by DPS clients, kept for completeness
 */
record ActivationBlob(
    TPMS_ID_OBJECT credentialBlob,
    byte[] credentialSeed,
    byte[] duplicate,
    byte[] importSeed,
    TPMT_PUBLIC identityKey,
    byte[] encryptedUri) {

  private static final String[] PARTS = {
    "TPM2B_ID_OBJECT",
    "TPM2B_ENCRYPTED_SECRET",
    "TPM2B_PRIVATE",
    "TPM2B_ENCRYPTED_SECRET",
    "TPM2B_PUBLIC",
    "TPM2B_DATA"
  };
  private static final String PREFIX = "TPM activation blob: ";

  static ActivationBlob parse(byte[] blob) throws HsmException {
    if (blob == null || blob.length == 0) {
      throw new HsmException("TPM activation blob is empty");
    }
    byte[][] parts = new byte[PARTS.length][];
    int offset = 0;
    for (int i = 0; i < PARTS.length; i++) {
      int remaining = blob.length - offset;
      if (remaining < 2) {
        throw new HsmException(
            PREFIX
                + part(i)
                + " is missing: the blob ends "
                + (remaining == 0 ? "before it" : "inside its 2-byte size"));
      }
      int size = ((blob[offset] & 0xff) << 8) | (blob[offset + 1] & 0xff);
      offset += 2;
      remaining -= 2;
      if (size > remaining) {
        throw new HsmException(
            PREFIX
                + part(i)
                + " claims "
                + size
                + " bytes but "
                + remaining
                + (remaining == 1 ? " remains" : " remain"));
      }
      if (size == 0 && i != PARTS.length - 1) {
        throw new HsmException(PREFIX + part(i) + " is empty");
      }
      parts[i] = Arrays.copyOfRange(blob, offset, offset + size);
      offset += size;
    }
    if (offset != blob.length) {
      int extra = blob.length - offset;
      throw new HsmException(
          PREFIX
              + extra
              + " unexpected "
              + (extra == 1 ? "byte" : "bytes")
              + " after "
              + part(PARTS.length - 1));
    }
    return new ActivationBlob(
        idObject(parts[0]), parts[1], parts[2], parts[3], publicArea(parts[4]), parts[5]);
  }

  private static String part(int index) {
    return "part " + (index + 1) + " (" + PARTS[index] + ")";
  }

  /** TPMS_ID_OBJECT = TPM2B_DIGEST integrityHMAC followed by encIdentity up to the end. */
  private static TPMS_ID_OBJECT idObject(byte[] bytes) throws HsmException {
    int hmacSize = bytes.length < 2 ? -1 : ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
    if (hmacSize <= 0 || hmacSize > bytes.length - 2) {
      throw new HsmException(
          PREFIX
              + part(0)
              + " does not hold an integrity HMAC followed by an"
              + " encrypted credential");
    }
    if (hmacSize == bytes.length - 2) {
      throw new HsmException(PREFIX + part(0) + " has no encrypted credential after its HMAC");
    }
    return new TPMS_ID_OBJECT(
        Arrays.copyOfRange(bytes, 2, 2 + hmacSize),
        Arrays.copyOfRange(bytes, 2 + hmacSize, bytes.length));
  }

  /** The identity key must be an HMAC key (KEYEDHASH) and its bytes a complete TPMT_PUBLIC. */
  private static TPMT_PUBLIC publicArea(byte[] bytes) throws HsmException {
    TPMT_PUBLIC pub;
    try {
      TpmBuffer buffer = new TpmBuffer(bytes);
      pub = buffer.createObj(TPMT_PUBLIC.class);
      if (!buffer.isOk()
          || buffer.curPos() != bytes.length
          || !Arrays.equals(pub.toBytes(), bytes)) {
        pub = null;
      }
    } catch (RuntimeException e) {
      pub = null;
    }
    if (pub == null) {
      throw new HsmException(PREFIX + part(4) + " is not a valid TPMT_PUBLIC");
    }
    if (pub.type() != TPM_ALG_ID.KEYEDHASH) {
      throw new HsmException(
          PREFIX
              + part(4)
              + " describes a "
              + TpmConnection.name(pub.type())
              + " key; the identity key must be a KEYEDHASH (HMAC) key");
    }
    return pub;
  }
}
