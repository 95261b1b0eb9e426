package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import java.util.Optional;

/**
 * X.509 attestation ({@code method = "x509"}): the device authenticates in the TLS handshake.
 *
 * @param registrationId the configured registration ID; the leaf certificate's CN when absent
 * @param identity where the certificate chain and its private key are
 */
public record X509Attestation(Optional<String> registrationId, Identity identity)
    implements AttestationConfig {

  /** Where an X.509 identity is stored. */
  public sealed interface Identity permits PemFiles, Pkcs12File, TokenKey {}

  /** A PEM chain ({@code identity_cert}) and its private key ({@code identity_pk}). */
  public record PemFiles(KeyUri certificateChain, KeyUri privateKey) implements Identity {}

  /**
   * A private key inside a PKCS#11 token ({@code identity_pk = { uri = "pkcs11:..." }}), with its
   * chain from a PEM file or from the token ({@code identity_cert}; the token's when absent).
   */
  public record TokenKey(KeyUri privateKey, Optional<KeyUri> certificateChain)
      implements Identity {}

  /** A PKCS#12 bundle ({@code identity_pkcs12}) and the file holding its password. */
  public record Pkcs12File(KeyUri bundle, KeyUri passwordFile) implements Identity {}

  @Override
  public String method() {
    return "x509";
  }
}
