package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.X509Attestation;
import java.time.Instant;

/** Loads the configured attestation method's key material, before any network call. */
public final class Attestations {

  private Attestations() {}

  public static DeviceAuthentication load(ProvisioningConfig config, Instant now) throws AgentException {
    if (config.attestation() instanceof SymmetricKeyAttestation) {
      return SymmetricKeyAuthentication.load((SymmetricKeyAttestation) config.attestation(), config.idScope());
    }
    return X509Authentication.load((X509Attestation) config.attestation(), now);
  }
}
