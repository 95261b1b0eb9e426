package io.dpsagent.emulator.registry;

import io.dpsagent.emulator.crypto.HmacKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A primary and an optional secondary symmetric key, either of which a device may sign with.
 *
 * <p>For an enrollment group these are group keys, and {@link #deriveForDevice} turns them into the
 * keys one device holds.
 */
public final class SymmetricKeyAttestation implements Attestation {

  private final HmacKey primaryKey;
  private final Optional<HmacKey> secondaryKey;

  private SymmetricKeyAttestation(
      HmacKey primaryKey, Optional<HmacKey> secondaryKey) {
    this.primaryKey = primaryKey;
    this.secondaryKey = secondaryKey;
  }

  /**
   * @param secondaryKeyBase64 may be null
   * @throws IllegalArgumentException if a key is not base64; the message never repeats the key
   */
  public static SymmetricKeyAttestation ofBase64(
      String primaryKeyBase64, String secondaryKeyBase64) {
    return new SymmetricKeyAttestation(
        HmacKey.ofBase64(primaryKeyBase64),
        Optional.ofNullable(secondaryKeyBase64).map(HmacKey::ofBase64));
  }

  /** The keys to try, primary first. */
  public List<HmacKey> keys() {
    List<HmacKey> keys = new ArrayList<>(2);
    keys.add(primaryKey);
    secondaryKey.ifPresent(keys::add);
    return keys;
  }

  /** The keys a device of this group holds: each group key's HMAC over its registration ID. */
  public SymmetricKeyAttestation deriveForDevice(String registrationId) {
    return new SymmetricKeyAttestation(
        primaryKey.deriveForDevice(registrationId),
        secondaryKey.map(key -> key.deriveForDevice(registrationId)));
  }

  @Override
  public String toString() {
    return "SymmetricKeyAttestation[redacted]";
  }
}
