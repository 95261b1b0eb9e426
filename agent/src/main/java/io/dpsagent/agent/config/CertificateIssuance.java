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
 */
public record CertificateIssuance(KeyUri key, Optional<Path> output, String apiVersion) {

  public static final String DEFAULT_API_VERSION = "2026-04-01";
  public static final Set<String> API_VERSIONS = Set.of("2025-07-01-preview", "2026-04-01");
  public static final String DEFAULT_FILE_NAME = "device-cert.pem";

  /** The chain file for outputs in {@code outputDir}. */
  public Path chainFile(Path outputDir) {
    return output.orElse(outputDir.resolve(DEFAULT_FILE_NAME));
  }
}
