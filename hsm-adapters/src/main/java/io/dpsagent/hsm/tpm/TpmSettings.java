package io.dpsagent.hsm.tpm;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where the attestation keys live and the hierarchy passwords needed to create them.
 *
 * <p>The defaults are what every Azure TPM client uses: EK at {@code 0x81010001}, SRK at {@code
 * 0x81000001}, the DPS identity key at {@code 0x81000100}, empty owner and endorsement passwords.
 * Passwords are copied in and out and never shown by {@link #toString()}.
 */
public final class TpmSettings {

  public static final int DEFAULT_EK_HANDLE = 0x81010001;
  public static final int DEFAULT_SRK_HANDLE = 0x81000001;
  public static final int DEFAULT_IDENTITY_KEY_HANDLE = 0x81000100;

  private static final TpmSettings DEFAULTS =
      new TpmSettings(
          DEFAULT_EK_HANDLE,
          DEFAULT_SRK_HANDLE,
          DEFAULT_IDENTITY_KEY_HANDLE,
          new byte[0],
          new byte[0]);

  private final int endorsementKeyHandle;
  private final int storageRootKeyHandle;
  private final int identityKeyHandle;
  private final byte[] ownerAuth;
  private final byte[] endorsementAuth;

  private TpmSettings(int ek, int srk, int identity, byte[] ownerAuth, byte[] endorsementAuth) {
    this.endorsementKeyHandle = persistent(ek, "endorsement key");
    this.storageRootKeyHandle = persistent(srk, "storage root key");
    this.identityKeyHandle = persistent(identity, "identity key");
    if (ek == srk || ek == identity || srk == identity) {
      throw new IllegalArgumentException(
          String.format(
              "TPM handles must differ: EK 0x%08X, SRK 0x%08X, identity key 0x%08X",
              ek, srk, identity));
    }
    this.ownerAuth = ownerAuth;
    this.endorsementAuth = endorsementAuth;
  }

  private static int persistent(int handle, String what) {
    if (handle >>> 24 != 0x81) {
      throw new IllegalArgumentException(
          String.format(
              "%s handle 0x%08X is not a persistent handle (0x81000000-0x81FFFFFF)", what, handle));
    }
    return handle;
  }

  public static TpmSettings defaults() {
    return DEFAULTS;
  }

  public TpmSettings withEndorsementKeyHandle(int handle) {
    return new TpmSettings(
        handle, storageRootKeyHandle, identityKeyHandle, ownerAuth, endorsementAuth);
  }

  public TpmSettings withStorageRootKeyHandle(int handle) {
    return new TpmSettings(
        endorsementKeyHandle, handle, identityKeyHandle, ownerAuth, endorsementAuth);
  }

  public TpmSettings withIdentityKeyHandle(int handle) {
    return new TpmSettings(
        endorsementKeyHandle, storageRootKeyHandle, handle, ownerAuth, endorsementAuth);
  }

  /**
   * The identity key handle from an IoT Identity Service style {@code auth_key_index}: {@code
   * 0x81000000 + index} (index {@code 0x100} gives the default {@code 0x81000100}).
   */
  public TpmSettings withAuthKeyIndex(int index) {
    if (index < 0 || index > 0x00FFFFFF) {
      throw new IllegalArgumentException(
          String.format("auth_key_index 0x%X is out of range", index));
    }
    return withIdentityKeyHandle(0x81000000 | index);
  }

  /** The owner hierarchy password (needed to persist keys); the array is copied. */
  public TpmSettings withOwnerAuth(byte[] auth) {
    return new TpmSettings(
        endorsementKeyHandle,
        storageRootKeyHandle,
        identityKeyHandle,
        auth.clone(),
        endorsementAuth);
  }

  /** The endorsement hierarchy password (needed to create and use the EK); the array is copied. */
  public TpmSettings withEndorsementAuth(byte[] auth) {
    return new TpmSettings(
        endorsementKeyHandle, storageRootKeyHandle, identityKeyHandle, ownerAuth, auth.clone());
  }

  public int endorsementKeyHandle() {
    return endorsementKeyHandle;
  }

  public int storageRootKeyHandle() {
    return storageRootKeyHandle;
  }

  public int identityKeyHandle() {
    return identityKeyHandle;
  }

  /**
   * The attestation key that owns {@code handle} ({@code endorsement key}, {@code storage root key}
   * or {@code DPS identity key}), or empty for a handle that is none of them.
   */
  public Optional<String> attestationRole(int handle) {
    return handle == endorsementKeyHandle
        ? Optional.of("endorsement key")
        : handle == storageRootKeyHandle
            ? Optional.of("storage root key")
            : handle == identityKeyHandle ? Optional.of("DPS identity key") : Optional.empty();
  }

  public byte[] ownerAuth() {
    return ownerAuth.clone();
  }

  public byte[] endorsementAuth() {
    return endorsementAuth.clone();
  }

  @Override
  public String toString() {
    return String.format(
        "TpmSettings[ek=0x%08X, srk=0x%08X, identityKey=0x%08X, ownerAuth=%s,"
            + " endorsementAuth=%s]",
        endorsementKeyHandle,
        storageRootKeyHandle,
        identityKeyHandle,
        ownerAuth.length == 0 ? "empty" : "set",
        endorsementAuth.length == 0 ? "empty" : "set");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmSettings other
        && endorsementKeyHandle == other.endorsementKeyHandle
        && storageRootKeyHandle == other.storageRootKeyHandle
        && identityKeyHandle == other.identityKeyHandle
        && Arrays.equals(ownerAuth, other.ownerAuth)
        && Arrays.equals(endorsementAuth, other.endorsementAuth);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * endorsementKeyHandle + storageRootKeyHandle) + identityKeyHandle;
  }
}
