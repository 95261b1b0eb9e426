package io.dpsagent.emulator.registry;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A primary and an optional secondary symmetric key, either of which a device may sign with.
 *
 * <p>For an enrollment group these are group keys, and {@link #deriveForDevice} turns them into the
 * keys one device holds.
 */
public final class SymmetricKeyMechanism implements Attestation {

  private final SoftwareSymmetricKey primaryKey;
  private final Optional<SoftwareSymmetricKey> secondaryKey;

  private SymmetricKeyMechanism(
      SoftwareSymmetricKey primaryKey, Optional<SoftwareSymmetricKey> secondaryKey) {
    this.primaryKey = primaryKey;
    this.secondaryKey = secondaryKey;
  }

  /**
   * @param secondaryKeyBase64 may be null
   * @throws IllegalArgumentException if a key is not base64; the message never repeats the key
   */
  public static SymmetricKeyMechanism ofBase64(
      String primaryKeyBase64, String secondaryKeyBase64) {
    return new SymmetricKeyMechanism(
        SoftwareSymmetricKey.ofBase64(primaryKeyBase64),
        Optional.ofNullable(secondaryKeyBase64).map(SoftwareSymmetricKey::ofBase64));
  }

  /** The keys to try, primary first. */
  public List<SoftwareSymmetricKey> keys() {
    List<SoftwareSymmetricKey> keys = new ArrayList<>(2);
    keys.add(primaryKey);
    secondaryKey.ifPresent(keys::add);
    return keys;
  }

  /** The keys a device of this group holds: each group key's HMAC over its registration ID. */
  public SymmetricKeyMechanism deriveForDevice(String registrationId) {
    return new SymmetricKeyMechanism(
        derive(primaryKey, registrationId), secondaryKey.map(key -> derive(key, registrationId)));
  }

  private static SoftwareSymmetricKey derive(SoftwareSymmetricKey groupKey, String registrationId) {
    try {
      return SoftwareSymmetricKey.deriveFromGroupKey(groupKey, registrationId);
    } catch (HsmException e) {
      // A key in process memory cannot fail to sign.
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SymmetricKeyMechanism[redacted]";
  }
}
