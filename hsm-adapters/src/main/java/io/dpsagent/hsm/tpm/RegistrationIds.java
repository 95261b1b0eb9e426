package io.dpsagent.hsm.tpm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The DPS registration ID a TPM device uses when none is configured. */
public final class RegistrationIds {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private RegistrationIds() {}

  /**
   * {@code lower(base32(SHA-256(ek)))} without padding: 52 characters. {@code ek} is the marshalled
   * TPM2B_PUBLIC of the endorsement key, size prefix included, exactly as sent to DPS.
   */
  public static String fromEndorsementKey(byte[] ekTpm2bPublic) {
    try {
      return base32(MessageDigest.getInstance("SHA-256").digest(ekTpm2bPublic));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e); // mandatory in every JRE
    }
  }

  /** RFC 4648 base32, lower-case alphabet, no padding. */
  static String base32(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 0x1f]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 0x1f]);
    }
    return out.toString();
  }
}
