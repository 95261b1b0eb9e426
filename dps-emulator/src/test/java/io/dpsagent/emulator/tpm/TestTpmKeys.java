package io.dpsagent.emulator.tpm;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/** RSA-2048 key pairs with the TPM2B_PUBLIC a TPM would report for them, for software tests. */
public final class TestTpmKeys {

  /** The EK template's attributes and policy (PolicySecret(TPM_RH_ENDORSEMENT)). */
  private static final int EK_ATTRIBUTES = 0x000300B2;

  private static final byte[] EK_POLICY =
      HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

  private TestTpmKeys() {}

  public static KeyPair rsa2048() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The TPM2B_PUBLIC of {@code keys} as an EK (exponent written as 0, meaning 65537). */
  public static byte[] ekPublic(KeyPair keys) {
    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
    return publicArea(TpmAlgorithms.RSA, TpmAlgorithms.SHA256, 2048, modulus(key.getModulus()));
  }

  /** A TPM2B_PUBLIC with chosen type, name algorithm, key size and unique field. */
  public static byte[] publicArea(int type, int nameAlg, int keyBits, byte[] modulus) {
    byte[] area =
        new TpmWriter()
            .u16(type)
            .u16(nameAlg)
            .u32(EK_ATTRIBUTES)
            .sized(EK_POLICY)
            .u16(TpmAlgorithms.AES)
            .u16(128)
            .u16(TpmAlgorithms.CFB)
            .u16(TpmAlgorithms.NULL)
            .u16(keyBits)
            .u32(0)
            .sized(modulus)
            .toByteArray();
    return TpmWriter.tpm2b(area);
  }

  private static byte[] modulus(BigInteger modulus) {
    byte[] bytes = modulus.toByteArray();
    return bytes.length == 257 ? Arrays.copyOfRange(bytes, 1, 257) : bytes;
  }
}
