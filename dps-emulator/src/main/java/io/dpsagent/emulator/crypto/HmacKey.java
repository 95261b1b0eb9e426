package io.dpsagent.emulator.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key as DPS holds it: enrollment keys, group keys, shared access policy keys, the
 * keys sent to TPM devices. {@link #toString()} never shows it.
 *
 * <p>The emulator is the verifier of what the agent signs, so it does its own HMAC here instead of
 * reusing the agent's key classes: a derivation or signing bug shared by both sides would pass
 * every test.
 */
public final class HmacKey {

  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private HmacKey(byte[] keyBytes) {
    if (keyBytes.length == 0) {
      throw new IllegalArgumentException("symmetric key is empty");
    }
    this.key = new SecretKeySpec(keyBytes, HMAC_SHA256);
    Arrays.fill(keyBytes, (byte) 0);
  }

  /** Wraps raw key bytes; the array is copied and the caller's copy may be wiped. */
  public static HmacKey ofBytes(byte[] keyBytes) {
    return new HmacKey(keyBytes.clone());
  }

  /** A new key of {@code length} random bytes. */
  public static HmacKey generate(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return new HmacKey(bytes);
  }

  /**
   * Decodes a key in the base64 form DPS shows (standard alphabet, padding optional).
   *
   * @throws IllegalArgumentException if the text is not base64 or decodes to nothing; the message
   *     never repeats the text
   */
  public static HmacKey ofBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("symmetric key is not valid base64");
    }
    return new HmacKey(bytes);
  }

  /**
   * The key DPS expects a device of this enrollment group to hold: {@code HMAC-SHA256(this,
   * UTF-8(registrationId))}, the ID hashed exactly as given.
   */
  public HmacKey deriveForDevice(String registrationId) {
    return new HmacKey(mac(registrationId.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code HMAC-SHA256(this, data)}. */
  public byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every Java platform; reaching this is a broken JRE.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** True if {@code signature} is this key's HMAC of {@code data}, compared in constant time. */
  public boolean verifies(byte[] data, byte[] signature) {
    return MessageDigest.isEqual(mac(data), signature);
  }

  /** A copy of the key bytes, for an activation blob that carries the key to a TPM. */
  public byte[] toBytes() {
    return key.getEncoded();
  }

  /** The key in base64: what the service API shows and the state file keeps. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  @Override
  public String toString() {
    return "HmacKey[HMAC-SHA256, redacted]";
  }
}
