package io.dpsagent.emulator.tpm;

import static io.dpsagent.emulator.tpm.BlobItems.content;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CFBBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/**
 * The blob's layout, and a software unwrap with the private keys that plays the TPM's part: the
 * credential yields the inner key, the duplicate yields the HMAC key. (The real TPM does the same
 * in {@link ActivationBlobBuilderSwtpmTest}.)
 */
class ActivationBlobBuilderTest {

  private static final KeyPair EK_KEYS = TestTpmKeys.rsa2048();
  private static final KeyPair SRK_KEYS = TestTpmKeys.rsa2048();
  private static final byte[] HMAC_KEY =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

  @Test
  void hasSixItemsOfTheExpectedSizes() throws Exception {
    List<byte[]> items = BlobItems.split(build());
    int[] sizes = items.stream().mapToInt(item -> content(item).length).toArray();
    // credential: B2(32-byte HMAC) + CFB(B2(16-byte inner key)); seeds: 256-byte RSA blocks;
    // duplicate: B2(HMAC) + CFB(B2(digest) + B2(sensitive)); public: 48 bytes; URI: 12 bytes.
    assertArrayEquals(new int[] {52, 256, 142, 256, 48, 12}, sizes);
  }

  @Test
  void identityKeyIsAnImportableHmacSha256KeyBoundToItsSensitivePart() throws Exception {
    byte[] idPublic = content(BlobItems.split(build()).get(4));
    // KEYEDHASH, nameAlg SHA-256, sign|userWithAuth|noDA, no policy, HMAC-SHA256, 32-byte unique.
    assertEquals(
        "0008" + "000b" + "00040440" + "0000" + "0005" + "000b" + "0020",
        HexFormat.of().formatHex(idPublic, 0, 16));
  }

  @Test
  void unwrapsToTheHmacKeyWithThePrivateKeys() throws Exception {
    TpmPublic srk = TpmPublic.parse(TestTpmKeys.ekPublic(SRK_KEYS));
    List<byte[]> items = BlobItems.split(build());
    byte[] idPublic = content(items.get(4));
    byte[] idName = TpmCrypto.name(idPublic);

    byte[] innerKey = unwrap(items.get(0), items.get(1), EK_KEYS, "IDENTITY", srk.name());
    assertEquals(16, innerKey.length);

    byte[] innerWrapped = unwrap(items.get(2), items.get(3), SRK_KEYS, "DUPLICATE", idName);
    byte[] inner = cfbDecrypt(innerKey, innerWrapped);
    byte[] integrity = sized(inner, 0);
    byte[] sensitive2b = Arrays.copyOfRange(inner, 2 + integrity.length, inner.length);
    assertArrayEquals(
        TpmCrypto.sha256(TpmWriter.concat(sensitive2b, idName)), integrity, "inner integrity");

    byte[] sensitive = sized(sensitive2b, 0);
    assertEquals(0x0008, (sensitive[0] << 8) | sensitive[1]);
    byte[] authValue = sized(sensitive, 2);
    byte[] seedValue = sized(sensitive, 4 + authValue.length);
    byte[] key = sized(sensitive, 6 + authValue.length + seedValue.length);
    assertArrayEquals(HMAC_KEY, key);
    assertArrayEquals(
        TpmCrypto.sha256(TpmWriter.concat(seedValue, key)),
        Arrays.copyOfRange(idPublic, 16, 48),
        "unique = SHA-256(seedValue || key)");
    assertEquals(
        "dps-emulator",
        new String(cfbDecrypt(innerKey, content(items.get(5))), StandardCharsets.US_ASCII));
  }

  @Test
  void everyBlobUsesFreshRandomness() throws Exception {
    byte[] first = build();
    byte[] second = build();
    assertFalse(Arrays.equals(first, second));
  }

  private static byte[] build() throws InvalidTpmPublicException {
    return new ActivationBlobBuilder()
        .build(
            TpmPublic.parse(TestTpmKeys.ekPublic(EK_KEYS)),
            TpmPublic.parse(TestTpmKeys.ekPublic(SRK_KEYS)),
            HMAC_KEY);
  }

  // What TPM2_ActivateCredential and TPM2_Import check before decrypting: seed, HMAC, then CFB.
  private static byte[] unwrap(
      byte[] wrappedItem, byte[] seedItem, KeyPair keys, String label, byte[] name)
      throws InvalidCipherTextException {
    byte[] seed = TpmCryptoTest.oaepDecrypt(keys, content(seedItem), label + "\0");
    byte[] wrapped = content(wrappedItem);
    byte[] hmac = sized(wrapped, 0);
    byte[] encrypted = Arrays.copyOfRange(wrapped, 2 + hmac.length, wrapped.length);
    byte[] hmacKey = TpmCrypto.kdfa(seed, "INTEGRITY", new byte[0], new byte[0], 256);
    assertArrayEquals(TpmCrypto.hmacSha256(hmacKey, TpmWriter.concat(encrypted, name)), hmac);
    byte[] symmetricKey = TpmCrypto.kdfa(seed, "STORAGE", name, new byte[0], 128);
    byte[] decrypted = cfbDecrypt(symmetricKey, encrypted);
    return label.equals("IDENTITY") ? sized(decrypted, 0) : decrypted;
  }

  private static byte[] cfbDecrypt(byte[] key, byte[] encrypted) {
    CFBBlockCipher cfb = new CFBBlockCipher(new AESEngine(), 128);
    cfb.init(false, new ParametersWithIV(new KeyParameter(key), new byte[16]));
    byte[] plain = new byte[encrypted.length];
    cfb.processBytes(encrypted, 0, encrypted.length, plain, 0);
    return plain;
  }

  /** The content of the TPM2B at {@code offset}. */
  private static byte[] sized(byte[] bytes, int offset) {
    int size = ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    return Arrays.copyOfRange(bytes, offset + 2, offset + 2 + size);
  }
}
