package io.dpsagent.emulator.tpm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TPM's own uses of standard primitives (TPM 2.0 Part 1, §11.4), all with SHA-256: the KDFa key
 * derivation, object names, AES-CFB with a zero IV and RSA-OAEP with a NUL-terminated label.
 */
public final class TpmCrypto {

  private static final int SHA256_BYTES = 32;

  private TpmCrypto() {}

  /**
   * KDFa in counter mode: HMAC-SHA256(key, BE32(i) ‖ label ‖ 00 ‖ contextU ‖ contextV ‖ BE32(bits))
   * for i = 1, 2, …, truncated to {@code bits / 8} bytes.
   *
   * @param bits a positive multiple of 8
   */
  public static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
    if (bits <= 0 || bits % 8 != 0) {
      throw new IllegalArgumentException("bits must be a positive multiple of 8: " + bits);
    }
    int bytes = bits / 8;
    byte[] out = new byte[bytes];
    byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
    for (int counter = 1, done = 0; done < bytes; counter++, done += SHA256_BYTES) {
      byte[] input =
          new TpmWriter()
              .u32(counter)
              .raw(labelBytes)
              .raw(new byte[] {0})
              .raw(contextU)
              .raw(contextV)
              .u32(bits)
              .toByteArray();
      byte[] block = hmacSha256(key, input);
      System.arraycopy(block, 0, out, done, Math.min(SHA256_BYTES, bytes - done));
    }
    return out;
  }

  /** An object's name: {@code 000B ‖ SHA-256(TPMT_PUBLIC)}, i.e. nameAlg then digest. */
  public static byte[] name(byte[] publicArea) {
    return new TpmWriter().u16(TpmAlgorithms.SHA256).raw(sha256(publicArea)).toByteArray();
  }

  /**
   * RSA-OAEP with SHA-256 and MGF1-SHA-256, as a TPM decrypts secrets: the label is the ASCII
   * {@code label} followed by one zero byte.
   */
  public static byte[] oaepEncrypt(RSAPublicKey key, byte[] data, String label) {
    byte[] ascii = label.getBytes(StandardCharsets.US_ASCII);
    byte[] labelBytes = Arrays.copyOf(ascii, ascii.length + 1);
    return encrypt(
        "RSA-OAEP with SHA-256",
        "RSA/ECB/OAEPPadding",
        key,
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(labelBytes)),
        data);
  }

  /** AES in CFB mode with 128-bit feedback and an all-zero IV, as TPM wrappers use it. */
  public static byte[] aesCfbEncrypt(byte[] key, byte[] data) {
    return encrypt(
        "AES-CFB",
        "AES/CFB/NoPadding",
        new SecretKeySpec(key, "AES"),
        new IvParameterSpec(new byte[16]),
        data);
  }

  public static byte[] hmacSha256(byte[] key, byte[] data) {
    return withPlatformAlgorithm(
        "HmacSHA256",
        () -> {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(key, "HmacSHA256"));
          return mac.doFinal(data);
        });
  }

  public static byte[] sha256(byte[] data) {
    return withPlatformAlgorithm(
        "SHA-256", () -> MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static byte[] encrypt(
      String algorithm,
      String transformation,
      Key key,
      AlgorithmParameterSpec parameters,
      byte[] data) {
    return withPlatformAlgorithm(
        algorithm,
        () -> {
          Cipher cipher = Cipher.getInstance(transformation);
          cipher.init(Cipher.ENCRYPT_MODE, key, parameters);
          return cipher.doFinal(data);
        });
  }

  private interface Primitive {
    byte[] apply() throws GeneralSecurityException;
  }

  // Every primitive here is one the Java platform must provide, so a failure is a broken runtime,
  // not something a caller could handle.
  private static byte[] withPlatformAlgorithm(String algorithm, Primitive primitive) {
    try {
      return primitive.apply();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is part of every Java platform", e);
    }
  }
}
