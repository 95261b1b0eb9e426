package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Loads the configured attestation method's key material, before any network call. */
public final class Attestations {

  /** TPM-signed DPS tokens live as long as software ones by default. */
  static final long DEFAULT_TPM_SAS_TTL_SECONDS = 3600;

  private Attestations() {}

  /**
   * For a one-shot command: TPM I/O ends within the run's budget ({@code max_elapsed_seconds} from
   * now) or at a stop request.
   */
  public static DeviceAuthentication load(AgentConfig agent, Instant now, BooleanSupplier stopRequested)
      throws AgentException {
    return load(agent, now, TpmAuthentication.runTimeouts(agent.provisioning().retry(), stopRequested));
  }

  /**
   * For the daemon, which keeps the identity (and its TPM) open for its lifetime: each TPM wait is
   * bounded by the budget and ends at a stop request, but no deadline applies.
   */
  public static DeviceAuthentication loadHeld(AgentConfig agent, Instant now, BooleanSupplier stopRequested)
      throws AgentException {
    return load(agent, now, TpmAuthentication.heldTimeouts(agent.provisioning().retry(), stopRequested));
  }

  private static DeviceAuthentication load(AgentConfig agent, Instant now, TpmTimeouts tpmTimeouts)
      throws AgentException {
    ProvisioningConfig config = agent.provisioning();
    if (config.attestation() instanceof SymmetricKeyAttestation) {
      return SymmetricKeyAuthentication.load((SymmetricKeyAttestation) config.attestation(), config.idScope(),
          agent.pkcs11Module());
    }
    if (config.attestation() instanceof TpmAttestation) {
      return TpmAuthentication.load((TpmAttestation) config.attestation(), agent.tpm(), config.idScope(),
          DEFAULT_TPM_SAS_TTL_SECONDS, tpmTimeouts);
    }
    return X509Authentication.load((X509Attestation) config.attestation(), now, agent.pkcs11Module());
  }
}
