package io.dpsagent.agent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The agent's validated configuration: what {@link ConfigLoader} returns once every key has been
 * checked. Components receive the section they need, never the raw TOML.
 *
 * @param source the file the configuration came from, for messages
 * @param pkcs11Module the PKCS#11 module used by {@code pkcs11:} key URIs without {@code
 *     module-path}
 * @param hub the verification of the assigned hub ({@code [hub]})
 */
public record AgentConfig(
    Path source,
    ProvisioningConfig provisioning,
    TpmConfig tpm,
    Optional<String> pkcs11Module,
    OutputConfig output,
    HubConfig hub) {

  /** The same configuration with another certificate issuance (a renewal's key and chain). */
  public AgentConfig withCertificateIssuance(CertificateIssuance issuance) {
    ProvisioningConfig p = provisioning;
    return new AgentConfig(
        source,
        new ProvisioningConfig(
            p.endpoint(),
            p.idScope(),
            p.transport(),
            p.apiVersion(),
            p.trustBundle(),
            p.payload(),
            p.proxy(),
            p.attestation(),
            p.retry(),
            p.reprovision(),
            Optional.of(issuance)),
        tpm,
        pkcs11Module,
        output,
        hub);
  }
}
