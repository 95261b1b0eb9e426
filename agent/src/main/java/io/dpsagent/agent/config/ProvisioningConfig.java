package io.dpsagent.agent.config;

import java.util.Optional;

/**
 * The {@code [provisioning]} section: which DPS to talk to, how, and as whom.
 *
 * @param endpoint the DPS device endpoint ({@code global_endpoint})
 * @param idScope the DPS instance's ID scope
 * @param transport the device protocol
 * @param apiVersion the {@code api-version} sent with every request
 * @param trustBundle extra trust anchors added to the system store ({@code trust_bundle})
 * @param payload the custom payload sent with the registration, as JSON text
 * @param proxy the HTTP proxy DPS traffic is tunnelled through ({@code proxy} or {@code
 *     https_proxy})
 * @param reprovision when the daemon registers again although it has a cached assignment
 * @param certificateIssuance the CSR sent with the registration, when enabled ({@code
 *     [provisioning.certificate_issuance]}); {@code apiVersion} is then its api-version
 */
public record ProvisioningConfig(
    DpsEndpoint endpoint,
    String idScope,
    Transport transport,
    String apiVersion,
    Optional<java.nio.file.Path> trustBundle,
    Optional<String> payload,
    Optional<ProxySettings> proxy,
    AttestationConfig attestation,
    RetryConfig retry,
    ReprovisionPolicy reprovision,
    Optional<CertificateIssuance> certificateIssuance) {}
