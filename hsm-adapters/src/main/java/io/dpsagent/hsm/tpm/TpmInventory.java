package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.util.Optional;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM_ALG_ID;

/**
 * What a TPM holds at the attestation handles, read without changing anything: unlike {@link
 * TpmAttestor#open}, a missing EK or SRK is reported, not created. For diagnostics.
 *
 * @param endorsementKey the EK's TPM2B_PUBLIC, when a key is persisted at the EK handle
 * @param storageRootKeyPresent whether a key is persisted at the SRK handle
 * @param identityKeyType the algorithm of the key at the identity handle ({@code KEYEDHASH} for a
 *     DPS identity key), when one is persisted there
 */
public record TpmInventory(
    Optional<byte[]> endorsementKey,
    boolean storageRootKeyPresent,
    Optional<String> identityKeyType) {

  /** The type name of a DPS identity key (an HMAC key). */
  public static final String HMAC_KEY_TYPE = TpmConnection.name(TPM_ALG_ID.KEYEDHASH);

  /**
   * Connects to the TPM and reads the public areas at the configured handles.
   *
   * @throws HsmException of kind UNAVAILABLE naming the TCTI when the TPM cannot be reached; a
   *     {@link TpmException} when it refuses a read
   */
  public static TpmInventory read(TctiSpec tcti, TpmSettings settings, TpmTimeouts timeouts)
      throws HsmException {
    try (TpmConnection connection = TpmConnection.open(tcti, timeouts)) {
      Optional<byte[]> ek =
          connection
              .readPublic(settings.endorsementKeyHandle(), "endorsement key")
              .map(r -> new TPM2B_PUBLIC(r.outPublic).toBytes());
      boolean srk =
          connection.readPublic(settings.storageRootKeyHandle(), "storage root key").isPresent();
      Optional<String> identity =
          connection
              .readPublic(settings.identityKeyHandle(), "identity key")
              .map(TpmInventory::typeOf);
      return new TpmInventory(ek, srk, identity);
    }
  }

  /** The registration ID DPS derives from the EK, when there is one. */
  public Optional<String> registrationId() {
    return endorsementKey.map(RegistrationIds::fromEndorsementKey);
  }

  public boolean identityKeyUsable() {
    return identityKeyType.map(HMAC_KEY_TYPE::equals).orElse(false);
  }

  private static String typeOf(ReadPublicResponse key) {
    return TpmConnection.name(key.outPublic.type());
  }
}
