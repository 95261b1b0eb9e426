package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Printable;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;

/** Binds {@code [provisioning.certificate_issuance]}; present but disabled reads as empty. */
final class CertificateIssuanceSection {

  private CertificateIssuanceSection() {}

  static Optional<CertificateIssuance> bind(Optional<Section> table) throws InvalidConfigException {
    if (table.isEmpty()) {
      return Optional.empty();
    }
    Section s = table.get();
    boolean enabled = s.bool("enabled").orElse(false);
    Optional<KeyUri> key = AttestationSection.keyReference(s.table("key"), true);
    Optional<String> output = s.string("output");
    String apiVersion = s.string("api_version").orElse(CertificateIssuance.DEFAULT_API_VERSION);
    double fraction =
        s.number("renew_at_fraction").orElse(CertificateIssuance.DEFAULT_RENEW_AT_FRACTION);
    boolean rotateKey = s.bool("rotate_key").orElse(false);
    s.rejectUnknownKeys();
    if (!enabled) {
      return Optional.empty();
    }
    if (key.isEmpty()) {
      throw new InvalidConfigException(
          s.keyName("key"),
          "is missing; name the certificate's key, e.g. key = { uri ="
              + " \"file:///var/lib/dps-agent/device-key.pem\" } (pkcs11: and tpm:handle= work too)");
    }
    if (!CertificateIssuance.API_VERSIONS.contains(apiVersion)) {
      throw new InvalidConfigException(
          s.keyName("api_version"),
          Printable.quote(apiVersion)
              + " has no certificate issuance; use one of "
              + new TreeSet<>(CertificateIssuance.API_VERSIONS));
    }
    if (!(fraction > 0 && fraction < 1)) {
      throw new InvalidConfigException(
          s.keyName("renew_at_fraction"),
          fraction
              + " is out of range; use a share of the certificate's lifetime between 0 and 1"
              + " (exclusive), e.g. 0.8");
    }
    if (rotateKey && key.get().scheme() != KeyUri.Scheme.FILE) {
      throw new InvalidConfigException(
          s.keyName("rotate_key"),
          "needs a file: key; a pkcs11: or tpm: key never leaves its chip and is renewed in"
              + " place (set rotate_key = false)");
    }
    Optional<Path> chain =
        output.isPresent()
            ? Optional.of(ConfigPaths.filePath(output.get(), s.keyName("output")))
            : Optional.empty();
    return Optional.of(new CertificateIssuance(key.get(), chain, apiVersion, fraction, rotateKey));
  }
}
