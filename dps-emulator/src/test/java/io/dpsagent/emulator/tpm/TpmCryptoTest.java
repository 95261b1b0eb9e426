package io.dpsagent.emulator.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.modes.CFBBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.junit.jupiter.api.Test;

class TpmCryptoTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b1c1d1e1f");

  // The cross-check against TSS.Java's KDFa is EmulatorKdfaCrossCheckTest (tpm-simulator-tests):
  // this module's tests must not depend on the device side's TPM stack.

  @Test
  void kdfaFirstBlockIsTheHmacOfCounterLabelNulContextsAndSize() {
    byte[] u = {1, 2};
    byte[] v = {3};
    byte[] input =
        TpmWriter.concat(
            new byte[] {0, 0, 0, 1},
            "DUPLICATE".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0},
            u,
            v,
            new byte[] {0, 0, 0, (byte) 128});
    assertArrayEquals(
        Arrays.copyOf(TpmCrypto.hmacSha256(SEED, input), 16),
        TpmCrypto.kdfa(SEED, "DUPLICATE", u, v, 128));
    assertThrows(IllegalArgumentException.class, () -> TpmCrypto.kdfa(SEED, "X", u, v, 12));
  }

  @Test
  void oaepLabelIsTheAsciiLabelWithATerminatingNul() throws InvalidCipherTextException {
    KeyPair keys = TestTpmKeys.rsa2048();
    byte[] secret = HEX.parseHex("aa".repeat(32));
    byte[] encrypted =
        TpmCrypto.oaepEncrypt(
            (java.security.interfaces.RSAPublicKey) keys.getPublic(), secret, "IDENTITY");
    assertEquals(256, encrypted.length);
    assertArrayEquals(secret, oaepDecrypt(keys, encrypted, "IDENTITY\0"));
    assertThrows(InvalidCipherTextException.class, () -> oaepDecrypt(keys, encrypted, "IDENTITY"));
    assertThrows(
        InvalidCipherTextException.class, () -> oaepDecrypt(keys, encrypted, "DUPLICATE\0"));
  }

  @Test
  void aesCfbIsFullBlockFeedbackWithAZeroIv() {
    byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
    byte[] plain =
        "an odd-length message of 37 bytes...".concat("!").getBytes(StandardCharsets.US_ASCII);
    CFBBlockCipher cfb = new CFBBlockCipher(new AESEngine(), 128);
    cfb.init(true, new ParametersWithIV(new KeyParameter(key), new byte[16]));
    byte[] expected = new byte[plain.length];
    cfb.processBytes(plain, 0, plain.length, expected, 0);
    assertArrayEquals(expected, TpmCrypto.aesCfbEncrypt(key, plain));
  }

  @Test
  void nameIsSha256AlgorithmIdThenDigest() {
    byte[] area = {1, 2, 3};
    assertArrayEquals(
        TpmWriter.concat(new byte[] {0x00, 0x0B}, TpmCrypto.sha256(area)), TpmCrypto.name(area));
  }

  static byte[] oaepDecrypt(KeyPair keys, byte[] encrypted, String label)
      throws InvalidCipherTextException {
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) keys.getPrivate();
    OAEPEncoding oaep =
        new OAEPEncoding(
            new RSAEngine(),
            new SHA256Digest(),
            new SHA256Digest(),
            label.getBytes(StandardCharsets.US_ASCII));
    oaep.init(
        false,
        new RSAPrivateCrtKeyParameters(
            key.getModulus(),
            key.getPublicExponent(),
            key.getPrivateExponent(),
            key.getPrimeP(),
            key.getPrimeQ(),
            key.getPrimeExponentP(),
            key.getPrimeExponentQ(),
            key.getCrtCoefficient()));
    return oaep.processBlock(encrypted, 0, encrypted.length);
  }
}
