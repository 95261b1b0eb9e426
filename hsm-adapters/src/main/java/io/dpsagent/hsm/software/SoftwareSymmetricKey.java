package io.dpsagent.hsm.software;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.SecretKeyAccess;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A symmetric key held in process memory: the software implementation of {@link SasSigner}.
 *
 * <p>Unlike keys in a TPM or HSM, a software key can be exported, because an Azure connection
 * string ({@code SharedAccessKey=...}) needs the key itself. {@link #toString()} never shows it.
 */
public final class SoftwareSymmetricKey implements SasSigner {

  private static final String HMAC_SHA256 = "HmacSHA256";

  private final SecretKeySpec key;

  private SoftwareSymmetricKey(byte[] keyBytes) {
    if (keyBytes.length == 0) {
      throw new IllegalArgumentException("symmetric key is empty");
    }
    this.key = new SecretKeySpec(keyBytes, HMAC_SHA256);
    Arrays.fill(keyBytes, (byte) 0);
  }

  /** Wraps raw key bytes; the array is copied and the caller's copy may be wiped. */
  public static SoftwareSymmetricKey ofBytes(byte[] keyBytes) {
    return new SoftwareSymmetricKey(keyBytes.clone());
  }

  /**
   * Decodes a key in the base64 form DPS and IoT Hub show (standard alphabet, padding optional).
   *
   * @throws IllegalArgumentException if the text is not base64 or decodes to nothing; the message
   *     never repeats the text
   */
  public static SoftwareSymmetricKey ofBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("symmetric key is not valid base64");
    }
    return new SoftwareSymmetricKey(bytes);
  }

  /**
   * Derives a device key from an enrollment-group key as DPS does: {@code HMAC-SHA256(groupKey,
   * UTF-8(registrationId))}, the ID hashed exactly as given.
   *
   * <p>The group key is any {@link SasSigner}, so a group key kept in an HSM can derive device keys
   * without leaving it.
   */
  public static SoftwareSymmetricKey deriveFromGroupKey(SasSigner groupKey, String registrationId)
      throws HsmException {
    return new SoftwareSymmetricKey(groupKey.sign(registrationId.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every Java platform; reaching this is a broken JRE.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The key in base64, for an Azure connection string. Only software keys can do this, and only
   * with {@link io.dpsagent.hsm.InsecureSecretKeyAccess#get()} in hand.
   */
  public String exportBase64(SecretKeyAccess access) {
    SecretKeyAccess.require(access);
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  @Override
  public String toString() {
    return "SoftwareSymmetricKey[HMAC-SHA256, redacted]";
  }
}
