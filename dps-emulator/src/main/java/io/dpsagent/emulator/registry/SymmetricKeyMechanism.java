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
public final class SymmetricKeyMechanism implements Attestation {

  /** The length of a key DPS generates for an enrollment that names none. */
  private static final int GENERATED_KEY_BYTES = 64;

  private final HmacKey primaryKey;
  private final Optional<HmacKey> secondaryKey;

  private SymmetricKeyMechanism(HmacKey primaryKey, Optional<HmacKey> secondaryKey) {
    this.primaryKey = primaryKey;
    this.secondaryKey = secondaryKey;
  }

  /**
   * @param secondaryKeyBase64 may be null
   * @throws IllegalArgumentException if a key is not base64; the message never repeats the key
   */
  public static SymmetricKeyMechanism ofBase64(String primaryKeyBase64, String secondaryKeyBase64) {
    return new SymmetricKeyMechanism(
        HmacKey.ofBase64(primaryKeyBase64),
        Optional.ofNullable(secondaryKeyBase64).map(HmacKey::ofBase64));
  }

  /**
   * The keys of a create or replace request: a key the request gives is used; one it omits is kept
   * from the attestation it replaces or, if that has none, generated (64 random bytes, as DPS
   * does).
   *
   * @throws IllegalArgumentException if a given key is not base64; the message never repeats it
   */
  public static SymmetricKeyMechanism ofRequest(
      Optional<String> primaryKeyBase64,
      Optional<String> secondaryKeyBase64,
      Optional<SymmetricKeyMechanism> replaced) {
    List<HmacKey> previous = replaced.map(SymmetricKeyMechanism::keys).orElse(List.of());
    return new SymmetricKeyMechanism(
        keyOrFallback(primaryKeyBase64, previous, 0),
        Optional.of(keyOrFallback(secondaryKeyBase64, previous, 1)));
  }

  private static HmacKey keyOrFallback(Optional<String> given, List<HmacKey> previous, int index) {
    if (given.isPresent()) {
      return HmacKey.ofBase64(given.get());
    }
    return previous.size() > index ? previous.get(index) : HmacKey.generate(GENERATED_KEY_BYTES);
  }

  /** The keys to try, primary first. */
  public List<HmacKey> keys() {
    List<HmacKey> keys = new ArrayList<>(2);
    keys.add(primaryKey);
    secondaryKey.ifPresent(keys::add);
    return keys;
  }

  /** The keys a device of this group holds: each group key's HMAC over its registration ID. */
  public SymmetricKeyMechanism deriveForDevice(String registrationId) {
    return new SymmetricKeyMechanism(
        primaryKey.deriveForDevice(registrationId),
        secondaryKey.map(key -> key.deriveForDevice(registrationId)));
  }

  @Override
  public String toString() {
    return "SymmetricKeyMechanism[redacted]";
  }
}
