package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.config.X509Attestation;
import java.time.Instant;

/** Loads the configured attestation method's key material, before any network call. */
public final class Attestations {

  /** TPM-signed DPS tokens live as long as software ones by default. */
  static final long DEFAULT_TPM_SAS_TTL_SECONDS = 3600;

  private Attestations() {}

  public static DeviceAuthentication load(AgentConfig agent, Instant now) throws AgentException {
    ProvisioningConfig config = agent.provisioning();
    if (config.attestation() instanceof SymmetricKeyAttestation) {
      return SymmetricKeyAuthentication.load((SymmetricKeyAttestation) config.attestation(), config.idScope(),
          agent.pkcs11Module());
    }
    if (config.attestation() instanceof TpmAttestation) {
      return TpmAuthentication.load((TpmAttestation) config.attestation(), agent.tpm(), config.idScope(),
          DEFAULT_TPM_SAS_TTL_SECONDS);
    }
    return X509Authentication.load((X509Attestation) config.attestation(), now, agent.pkcs11Module());
  }
}
