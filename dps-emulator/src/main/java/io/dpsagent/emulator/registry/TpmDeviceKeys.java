package io.dpsagent.emulator.registry;

import io.dpsagent.emulator.crypto.HmacKey;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The symmetric keys DPS hands TPM devices: a fresh random one with every assigned result, which
 * the device imports into its TPM and signs IoT Hub tokens with from then on.
 */
final class TpmDeviceKeys {

  private static final int KEY_BYTES = 32;

  private final SecureRandom random = new SecureRandom();

  /** A new key if {@code enrollment} uses TPM attestation; empty for every other kind. */
  Optional<HmacKey> forAssignment(Enrollment enrollment) {
    if (!(enrollment.attestation() instanceof TpmMechanism)) {
      return Optional.empty();
    }
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return Optional.of(HmacKey.ofBytes(key));
  }
}
