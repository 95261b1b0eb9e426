package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * {@code [provisioning.certificate_issuance]} when enabled: the device sends a CSR with its
 * registration and DPS answers with an operational certificate chain for the hub connection.
 *
 * @param key the key the certificate is for: {@code file:} (a PKCS#8 EC P-256 file, generated when
 *     absent), {@code pkcs11:} (a token key pair, generated when absent) or {@code tpm:handle=} (a
 *     persistent TPM key, generated when absent)
 * @param output where the issued chain (PEM, leaf first) is written; empty means {@code
 *     device-cert.pem} in the output directory
 * @param apiVersion the api-version of the registration: one that has {@code csr}
 * @param renewAtFraction the share of the certificate's lifetime after which the daemon renews it,
 *     strictly between 0 and 1
 * @param rotateKey whether a renewal certifies a freshly generated key, made in the key's alternate
 *     location (see {@code CertificateFiles})
 * @param rotateHandle for a {@code tpm:} key, the second persistent handle reserved for the agent
 *     that a rotation alternates with; empty for other keys
 */
public record CertificateIssuance(
    KeyUri key,
    Optional<Path> output,
    String apiVersion,
    double renewAtFraction,
    boolean rotateKey,
    Optional<Integer> rotateHandle) {

  public static final String DEFAULT_API_VERSION = "2026-04-01";
  public static final Set<String> API_VERSIONS = Set.of("2025-07-01-preview", "2026-04-01");
  public static final String DEFAULT_FILE_NAME = "device-cert.pem";
  public static final double DEFAULT_RENEW_AT_FRACTION = 0.8;

  /** Issuance with the renewal defaults: at 80% of the lifetime, for the same key. */
  public CertificateIssuance(KeyUri key, Optional<Path> output, String apiVersion) {
    this(key, output, apiVersion, DEFAULT_RENEW_AT_FRACTION, false, Optional.empty());
  }

  /** The chain file for outputs in {@code outputDir}. */
  public Path chainFile(Path outputDir) {
    return output.orElse(outputDir.resolve(DEFAULT_FILE_NAME));
  }

  /** The same issuance with the key and the chain in other places (a rotated key's). */
  public CertificateIssuance at(KeyUri otherKey, Path otherChain) {
    return new CertificateIssuance(
        otherKey, Optional.of(otherChain), apiVersion, renewAtFraction, rotateKey, rotateHandle);
  }
}
