package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.agent.log.Log;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Loads the configured attestation method's key material, before any network call. */
public final class Attestations {

  /** TPM-signed DPS tokens live as long as software ones by default. */
  static final long DEFAULT_TPM_SAS_TTL_SECONDS = 3600;

  private static final Log LOG = Log.of(Attestations.class);

  private Attestations() {}

  /**
   * For a one-shot command: TPM I/O ends within the run's budget ({@code max_elapsed_seconds} from
   * now) or at a stop request.
   */
  public static DeviceAuthentication load(
      AgentConfig agent, Instant now, BooleanSupplier stopRequested) throws AgentException {
    return load(
        agent, now, TpmAuthentication.runTimeouts(agent.provisioning().retry(), stopRequested));
  }

  /**
   * For the daemon, which keeps the identity (and its TPM) open for its lifetime: each TPM wait is
   * bounded by the budget and ends at a stop request, but no deadline applies.
   */
  public static DeviceAuthentication loadHeld(
      AgentConfig agent, Instant now, BooleanSupplier stopRequested) throws AgentException {
    return load(
        agent, now, TpmAuthentication.heldTimeouts(agent.provisioning().retry(), stopRequested));
  }

  /**
   * What opening the config's keys needs besides their URIs: the PKCS#11 module, the TPM's handles
   * and how long TPM I/O may wait; warnings about key references go to the agent's log.
   */
  public static KeyOptions keyOptions(AgentConfig agent) {
    return keyOptions(agent, TpmTimeouts.defaults());
  }

  private static KeyOptions keyOptions(AgentConfig agent, TpmTimeouts tpmTimeouts) {
    return KeyOptions.defaults()
        .withPkcs11Module(agent.pkcs11Module())
        .withTpm(agent.tpm().settings(), tpmTimeouts)
        .withTpmTcti(agent.tpm().tcti())
        .withWarnings(LOG::warning);
  }

  private static DeviceAuthentication load(AgentConfig agent, Instant now, TpmTimeouts tpmTimeouts)
      throws AgentException {
    ProvisioningConfig config = agent.provisioning();
    KeyOptions keys = keyOptions(agent, tpmTimeouts);
    if (config.attestation() instanceof SymmetricKeyAttestation symmetric) {
      return SymmetricKeyAuthentication.load(symmetric, config.idScope(), keys);
    }
    if (config.attestation() instanceof TpmAttestation tpm) {
      return TpmAuthentication.load(
          tpm, agent.tpm(), config.idScope(), DEFAULT_TPM_SAS_TTL_SECONDS, keys);
    }
    return X509Authentication.load((X509Attestation) config.attestation(), now, keys);
  }
}
