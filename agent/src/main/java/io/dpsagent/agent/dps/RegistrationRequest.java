package io.dpsagent.agent.dps;

import java.util.Optional;

/**
 * What the device asks DPS for.
 *
 * @param idScope the DPS instance
 * @param registrationId the device's registration ID
 * @param payloadJson optional custom payload, a JSON object as text
 * @param tpm the TPM's public keys, for TPM attestation
 * @param csr the base64 DER PKCS#10 request of certificate issuance
 */
public record RegistrationRequest(
    String idScope,
    String registrationId,
    Optional<String> payloadJson,
    Optional<TpmKeys> tpm,
    Optional<String> csr) {

  /**
   * The base64 of the marshalled {@code TPM2B_PUBLIC} of the endorsement key and the storage root
   * key, as DPS expects them in {@code tpm.endorsementKey} and {@code tpm.storageRootKey}.
   */
  public record TpmKeys(String endorsementKey, String storageRootKey) {}

  public RegistrationRequest(String idScope, String registrationId, Optional<String> payloadJson) {
    this(idScope, registrationId, payloadJson, Optional.empty(), Optional.empty());
  }

  /** A request without a CSR. */
  public RegistrationRequest(
      String idScope, String registrationId, Optional<String> payloadJson, Optional<TpmKeys> tpm) {
    this(idScope, registrationId, payloadJson, tpm, Optional.empty());
  }
}
