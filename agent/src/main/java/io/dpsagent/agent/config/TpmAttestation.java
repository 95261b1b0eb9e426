package io.dpsagent.agent.config;

import java.util.Optional;

/**
 * TPM attestation ({@code method = "tpm"}): the DPS nonce challenge, answered inside the TPM.
 *
 * @param registrationId the configured registration ID; derived from the EK when absent
 */
public record TpmAttestation(Optional<String> registrationId) implements AttestationConfig {

  @Override
  public String method() {
    return "tpm";
  }
}
