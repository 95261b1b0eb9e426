package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.hsm.HsmException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tss.tpm.TPM2B_DIGEST_KEYEDHASH;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_KEYEDHASH_PARMS;
import tss.tpm.TPMS_SCHEME_HMAC;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;

/** Parsing of the six-part activation blob: every malformation gets one exact message. */
class ActivationBlobTest {

  private static final byte[] ID_OBJECT = concat(new byte[] {0, 2, 9, 9}, new byte[] {7, 7, 7});
  private static final byte[] HMAC_KEY_PUBLIC =
      new TPMT_PUBLIC(
              TPM_ALG_ID.SHA256,
              new TPMA_OBJECT(TPMA_OBJECT.sign, TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA),
              new byte[0],
              new TPMS_KEYEDHASH_PARMS(new TPMS_SCHEME_HMAC(TPM_ALG_ID.SHA256)),
              new TPM2B_DIGEST_KEYEDHASH(new byte[32]))
          .toBytes();

  @Test
  void wellFormedBlobIsSplitIntoItsParts() throws HsmException {
    ActivationBlob blob =
        ActivationBlob.parse(
            blob(
                ID_OBJECT,
                bytes(256, 1),
                bytes(80, 2),
                bytes(256, 3),
                HMAC_KEY_PUBLIC,
                new byte[0]));
    assertArrayEquals(new byte[] {9, 9}, blob.credentialBlob().integrityHMAC);
    assertArrayEquals(new byte[] {7, 7, 7}, blob.credentialBlob().encIdentity);
    assertArrayEquals(bytes(256, 1), blob.credentialSeed());
    assertArrayEquals(bytes(80, 2), blob.duplicate());
    assertArrayEquals(bytes(256, 3), blob.importSeed());
    assertArrayEquals(HMAC_KEY_PUBLIC, blob.identityKey().toBytes());
    assertArrayEquals(new byte[0], blob.encryptedUri());
  }

  @Test
  void emptyAndZeroLengthParts() {
    assertFails(new byte[0], "TPM activation blob is empty");
    assertFails(
        blob(ID_OBJECT, bytes(256, 1), new byte[0], bytes(256, 3), HMAC_KEY_PUBLIC, new byte[1]),
        "TPM activation blob: part 3 (TPM2B_PRIVATE) is empty");
    assertFails(blob(new byte[0]), "TPM activation blob: part 1 (TPM2B_ID_OBJECT) is empty");
  }

  @Test
  void lengthsAreCheckedAgainstWhatRemains() {
    byte[] good =
        blob(ID_OBJECT, bytes(256, 1), bytes(300, 2), bytes(256, 3), HMAC_KEY_PUBLIC, bytes(5, 4));
    int part3 = 2 + ID_OBJECT.length + 2 + 256;
    byte[] cut = Arrays.copyOf(good, part3 + 2 + 120);
    assertFails(cut, "TPM activation blob: part 3 (TPM2B_PRIVATE) claims 300 bytes but 120 remain");
    assertFails(
        Arrays.copyOf(good, part3 + 3),
        "TPM activation blob: part 3 (TPM2B_PRIVATE) claims 300 bytes but 1 remains");
    assertFails(
        Arrays.copyOf(good, part3 + 1),
        "TPM activation blob: part 3 (TPM2B_PRIVATE) is missing: the blob ends inside its 2-byte size");
    assertFails(
        concat(good, new byte[] {0}),
        "TPM activation blob: 1 unexpected byte after part 6 (TPM2B_DATA)");
  }

  @Test
  void innerStructuresAreChecked() {
    assertFails(
        blob(
            new byte[] {0, 5, 1, 2},
            bytes(1, 1),
            bytes(1, 2),
            bytes(1, 3),
            HMAC_KEY_PUBLIC,
            new byte[0]),
        "TPM activation blob: part 1 (TPM2B_ID_OBJECT) does not hold"
            + " an integrity HMAC followed by an encrypted credential");
    assertFails(
        blob(
            new byte[] {0, 2, 1, 2},
            bytes(1, 1),
            bytes(1, 2),
            bytes(1, 3),
            HMAC_KEY_PUBLIC,
            new byte[0]),
        "TPM activation blob: part 1 (TPM2B_ID_OBJECT) has no"
            + " encrypted credential after its HMAC");
    assertFails(
        blob(ID_OBJECT, bytes(1, 1), bytes(1, 2), bytes(1, 3), bytes(40, 0x55), new byte[0]),
        "TPM activation blob: part 5 (TPM2B_PUBLIC) is not a valid TPMT_PUBLIC");
    assertFails(
        blob(
            ID_OBJECT,
            bytes(1, 1),
            bytes(1, 2),
            bytes(1, 3),
            concat(HMAC_KEY_PUBLIC, new byte[] {0}),
            new byte[0]),
        "TPM activation blob: part 5 (TPM2B_PUBLIC) is not a valid TPMT_PUBLIC");
    byte[] rsa = KeyTemplates.storageRootKey().toBytes();
    assertFails(
        blob(ID_OBJECT, bytes(1, 1), bytes(1, 2), bytes(1, 3), rsa, new byte[0]),
        "TPM activation blob: part 5 (TPM2B_PUBLIC) describes a RSA key; the identity key must be"
            + " a KEYEDHASH (HMAC) key");
  }

  private static void assertFails(byte[] blob, String message) {
    HsmException e = assertThrows(HsmException.class, () -> ActivationBlob.parse(blob));
    assertEquals(message, e.getMessage());
  }

  private static byte[] blob(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part.length >>> 8);
      out.write(part.length);
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
