package io.dpsagent.emulator.registry;

import io.dpsagent.emulator.tpm.InvalidTpmPublicException;
import io.dpsagent.emulator.tpm.TpmPublic;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * TPM attestation: the device's endorsement key (EK), as the marshalled {@code TPM2B_PUBLIC} the
 * device sends in {@code tpm.endorsementKey}. Individual enrollments only, as in DPS.
 *
 * <p>A device matches when it sends exactly these bytes. The storage root key may be recorded, but
 * DPS documents that it is not checked, so it never takes part in matching.
 */
public final class TpmMechanism implements Attestation {

  private final TpmPublic endorsementKey;
  private final Optional<byte[]> storageRootKey;

  /**
   * @param storageRootKey the SRK's {@code TPM2B_PUBLIC}, kept as given and returned by the service
   *     API; may be null
   * @throws IllegalArgumentException if the EK is not an RSA-2048 {@code TPM2B_PUBLIC} (the only
   *     kind the emulator can encrypt to)
   */
  public TpmMechanism(byte[] endorsementKey, byte[] storageRootKey) {
    Objects.requireNonNull(endorsementKey, "endorsement key");
    try {
      this.endorsementKey = TpmPublic.parse(endorsementKey);
    } catch (InvalidTpmPublicException e) {
      throw new IllegalArgumentException("endorsement key: " + e.getMessage());
    }
    this.storageRootKey = Optional.ofNullable(storageRootKey).map(byte[]::clone);
  }

  public static TpmMechanism of(byte[] endorsementKey) {
    return new TpmMechanism(endorsementKey, null);
  }

  /** The EK's {@code TPM2B_PUBLIC}, size prefix included. */
  public byte[] endorsementKey() {
    return endorsementKey.marshalled();
  }

  public Optional<byte[]> storageRootKey() {
    return storageRootKey.map(byte[]::clone);
  }

  /** True if a device sent exactly the enrolled EK bytes. */
  public boolean matches(TpmPublic presented) {
    return endorsementKey.equals(presented);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TpmMechanism that
        && endorsementKey.equals(that.endorsementKey)
        && Arrays.equals(storageRootKey.orElse(null), that.storageRootKey.orElse(null));
  }

  @Override
  public int hashCode() {
    return endorsementKey.hashCode();
  }

  @Override
  public String toString() {
    return "TpmMechanism[" + endorsementKey + "]";
  }
}
