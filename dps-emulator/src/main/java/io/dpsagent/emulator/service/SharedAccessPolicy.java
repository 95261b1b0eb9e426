package io.dpsagent.emulator.service;

import io.dpsagent.emulator.crypto.HmacKey;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A shared access policy of the DPS instance: a key name and two base64 keys that sign service API
 * SAS tokens. {@link #toString()} never shows the keys.
 */
public record SharedAccessPolicy(String keyName, String primaryKey, String secondaryKey) {

  /** The policy every DPS instance starts with, holding all rights. */
  public static final String OWNER = "provisioningserviceowner";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BYTES = 32;

  public SharedAccessPolicy {
    if (keyName == null || keyName.isBlank()) {
      throw new IllegalArgumentException("policy key name is empty");
    }
    // Fails early on a key that is not base64, without repeating it.
    HmacKey.ofBase64(primaryKey);
    HmacKey.ofBase64(secondaryKey);
  }

  /** A policy with two fresh random 32-byte keys. */
  public static SharedAccessPolicy generate(String keyName) {
    return new SharedAccessPolicy(keyName, newKey(), newKey());
  }

  HmacKey primary() {
    return HmacKey.ofBase64(primaryKey);
  }

  HmacKey secondary() {
    return HmacKey.ofBase64(secondaryKey);
  }

  private static String newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Override
  public String toString() {
    return "SharedAccessPolicy[" + keyName + ", keys redacted]";
  }
}
