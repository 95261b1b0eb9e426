package io.dpsagent.emulator.config;

import io.dpsagent.emulator.config.ConfigFile.AttestationEntry;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.registry.X509Mechanism;
import io.dpsagent.emulator.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code attestation} table of an enrollment in the config file: one table for every type,
 * whose keys must fit the type it names. Certificates are PEM files relative to the config file.
 */
final class AttestationEntries {

  private static final String SYMMETRIC_KEY = "symmetric_key";
  private static final String X509 = "x509";
  private static final String TPM = "tpm";

  private final ConfigChecks checks;

  AttestationEntries(ConfigChecks checks) {
    this.checks = checks;
  }

  Attestation attestation(AttestationEntry entry, String key, boolean group)
      throws ConfigException {
    if (entry == null) {
      throw checks.problem(key, "is required");
    }
    String type = checks.required(entry.type(), key + ".type");
    return switch (type) {
      case SYMMETRIC_KEY -> symmetricKey(entry, key);
      case X509 -> x509(entry, key);
      case TPM -> {
        if (group) {
          throw checks.problem(
              key + ".type", "\"tpm\" is for individual enrollments only, not for groups");
        }
        yield tpm(entry, key);
      }
      default ->
          throw checks.problem(
              key + ".type", "unsupported; must be \"symmetric_key\", \"x509\" or \"tpm\"");
    };
  }

  private SymmetricKeyMechanism symmetricKey(AttestationEntry entry, String key)
      throws ConfigException {
    forbid(entry.certificate(), key + ".certificate", SYMMETRIC_KEY);
    forbid(entry.secondaryCertificate(), key + ".secondary_certificate", SYMMETRIC_KEY);
    forbidTpmKeys(entry, key, SYMMETRIC_KEY);
    String primary = checks.required(entry.primaryKey(), key + ".primary_key");
    checks.at(key + ".primary_key", () -> SymmetricKeyMechanism.ofBase64(primary, null));
    return checks.at(
        key + ".secondary_key",
        () -> SymmetricKeyMechanism.ofBase64(primary, entry.secondaryKey()));
  }

  private X509Mechanism x509(AttestationEntry entry, String key) throws ConfigException {
    forbid(entry.primaryKey(), key + ".primary_key", X509);
    forbid(entry.secondaryKey(), key + ".secondary_key", X509);
    forbidTpmKeys(entry, key, X509);
    String primaryKey = key + ".certificate";
    X509Certificate primary =
        certificate(checks.required(entry.certificate(), primaryKey), primaryKey);
    Optional<X509Certificate> secondary = Optional.empty();
    if (entry.secondaryCertificate() != null) {
      String secondaryKey = key + ".secondary_certificate";
      secondary = Optional.of(certificate(entry.secondaryCertificate(), secondaryKey));
    }
    return new X509Mechanism(primary, secondary);
  }

  private TpmMechanism tpm(AttestationEntry entry, String key) throws ConfigException {
    forbid(entry.primaryKey(), key + ".primary_key", TPM);
    forbid(entry.secondaryKey(), key + ".secondary_key", TPM);
    forbid(entry.certificate(), key + ".certificate", TPM);
    forbid(entry.secondaryCertificate(), key + ".secondary_certificate", TPM);
    String ekKey = key + ".endorsement_key";
    byte[] endorsementKey = base64(checks.required(entry.endorsementKey(), ekKey), ekKey);
    byte[] storageRootKey =
        entry.storageRootKey() == null
            ? null
            : base64(entry.storageRootKey(), key + ".storage_root_key");
    return checks.at(ekKey, () -> new TpmMechanism(endorsementKey, storageRootKey));
  }

  private void forbidTpmKeys(AttestationEntry entry, String key, String type)
      throws ConfigException {
    forbid(entry.endorsementKey(), key + ".endorsement_key", type);
    forbid(entry.storageRootKey(), key + ".storage_root_key", type);
  }

  private byte[] base64(String text, String key) throws ConfigException {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw checks.problem(key, "is not base64");
    }
  }

  /** The first certificate of a PEM file. */
  private X509Certificate certificate(String name, String key) throws ConfigException {
    Path path = checks.existingFile(name, key);
    try {
      return PemFiles.readCertificates(path).get(0);
    } catch (IOException e) {
      throw checks.problem(key, e.getMessage());
    }
  }

  private void forbid(String value, String key, String type) throws ConfigException {
    if (value != null) {
      throw checks.problem(key, "not allowed for type \"" + type + "\"");
    }
  }
}
