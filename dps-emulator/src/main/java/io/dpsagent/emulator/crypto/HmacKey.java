package io.dpsagent.emulator.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * An HMAC-SHA256 key as DPS holds it: enrollment keys, group keys, shared access policy keys, the
 * keys sent to TPM devices. {@link #toString()} never shows it.
 *
 * <p>The emulator is the verifier of what the agent signs, so it computes HMAC-SHA256 with
 * BouncyCastle's lightweight engine, not the JDK provider the agent's key classes use: a derivation
 * or signing bug shared by both sides would pass every test, and a bug in either engine now fails
 * them.
 */
public final class HmacKey {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Never handed out: {@link #toBytes()} and {@link #toBase64()} copy it. */
  private final byte[] secret;

  private HmacKey(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("symmetric key is empty");
    }
    this.secret = secret;
  }

  /** Wraps raw key bytes; the array is copied and the caller's copy may be wiped. */
  public static HmacKey ofBytes(byte[] keyBytes) {
    return new HmacKey(keyBytes.clone());
  }

  /** A new key of {@code length} random bytes. */
  public static HmacKey generate(int length) {
    byte[] secret = new byte[length];
    RANDOM.nextBytes(secret);
    return new HmacKey(secret);
  }

  /**
   * Decodes a key in the base64 form DPS shows (standard alphabet, padding optional).
   *
   * @throws IllegalArgumentException if the text is not base64 or decodes to nothing; the message
   *     never repeats the text
   */
  public static HmacKey ofBase64(String base64) {
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("symmetric key is not valid base64");
    }
    return new HmacKey(secret);
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
    HMac hmac = new HMac(new SHA256Digest());
    hmac.init(new KeyParameter(secret));
    hmac.update(data, 0, data.length);
    byte[] out = new byte[hmac.getMacSize()];
    hmac.doFinal(out, 0);
    return out;
  }

  /** True if {@code signature} is this key's HMAC of {@code data}, compared in constant time. */
  public boolean verifies(byte[] data, byte[] signature) {
    return MessageDigest.isEqual(mac(data), signature);
  }

  /** A copy of the key bytes, for an activation blob that carries the key to a TPM. */
  public byte[] toBytes() {
    return secret.clone();
  }

  /** The key in base64: what the service API shows and the state file keeps. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(secret);
  }

  @Override
  public String toString() {
    return "HmacKey[HMAC-SHA256, redacted]";
  }
}
