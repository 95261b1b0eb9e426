package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;

/**
 * Symmetric-key attestation ({@code method = "symmetric_key"}).
 *
 * @param registrationId the registration ID presented to DPS
 * @param key the device key, or the enrollment-group key when {@code deriveFromGroupKey}
 * @param deriveFromGroupKey whether {@code key} is a group key from which the device key is derived
 * @param sasTtlSeconds lifetime of each DPS SAS token; a fresh token is minted per attempt
 */
public record SymmetricKeyAttestation(
    String registrationId, KeyUri key, boolean deriveFromGroupKey, long sasTtlSeconds)
    implements AttestationConfig {

  @Override
  public String method() {
    return "symmetric_key";
  }
}
