package io.dpsagent.emulator.service;

import io.dpsagent.emulator.crypto.HmacKey;

/**
 * A shared access policy of the DPS instance: a key name and two base64 keys that sign service API
 * SAS tokens. {@link #toString()} never shows the keys.
 */
public record SharedAccessPolicy(String keyName, String primaryKey, String secondaryKey) {

  /** The policy every DPS instance starts with, holding all rights. */
  public static final String OWNER = "provisioningserviceowner";

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
    return HmacKey.generate(KEY_BYTES).toBase64();
  }

  @Override
  public String toString() {
    return "SharedAccessPolicy[" + keyName + ", keys redacted]";
  }
}
