package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Printable;
import io.dpsagent.hsm.tpm.TpmSettings;
import java.nio.file.Path;
import java.util.Objects;
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
    Optional<KeyUri> key = s.table("key", t -> AttestationSection.keyReference(t, true));
    Optional<String> output = s.string("output");
    String apiVersion = s.string("api_version").orElse(CertificateIssuance.DEFAULT_API_VERSION);
    double fraction =
        s.number("renew_at_fraction").orElse(CertificateIssuance.DEFAULT_RENEW_AT_FRACTION);
    boolean rotateKey = s.bool("rotate_key").orElse(false);
    Optional<Long> rotateHandle = s.integer("rotate_handle", 0, 0xFFFFFFFFL);
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
    Optional<Integer> handle = rotateHandle(s, key.get(), rotateHandle);
    if (rotateKey) {
      requireAlternate(s, key.get(), handle);
    }
    Optional<Path> chain =
        output.isPresent()
            ? Optional.of(ConfigPaths.filePath(output.get(), s.keyName("output")))
            : Optional.empty();
    return Optional.of(
        new CertificateIssuance(key.get(), chain, apiVersion, fraction, rotateKey, handle));
  }

  /** {@code rotate_handle}: a persistent handle other than the key's, for a {@code tpm:} key. */
  private static Optional<Integer> rotateHandle(Section s, KeyUri key, Optional<Long> value)
      throws InvalidConfigException {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String name = s.keyName("rotate_handle");
    if (key.scheme() != KeyUri.Scheme.TPM) {
      throw new InvalidConfigException(
          name,
          "is for a tpm: key only; a file: or pkcs11: key rotates into <name>.alt (remove"
              + " rotate_handle)");
    }
    int handle = value.get().intValue();
    if (handle >>> 24 != 0x81) {
      throw new InvalidConfigException(
          name,
          String.format(
              "0x%X is not a persistent handle; use a free one in 0x81000000-0x81FFFFFF, e.g."
                  + " 0x81000102",
              value.get()));
    }
    if (handle == key.tpm().handle()) {
      throw new InvalidConfigException(
          name, "is the key's own handle; reserve a second, free persistent handle for rotation");
    }
    return Optional.of(handle);
  }

  /**
   * Refuses a {@code rotate_handle} that is one of the attestation handles {@code [tpm]} sets: a
   * rotation evicts what sits at the handle it leaves.
   */
  static void checkAgainst(Optional<CertificateIssuance> issuance, TpmSettings settings)
      throws InvalidConfigException {
    Optional<Integer> handle = issuance.flatMap(CertificateIssuance::rotateHandle);
    if (handle.isEmpty()) {
      return;
    }
    Optional<String> role = settings.attestationRole(handle.get());
    if (role.isPresent()) {
      throw new InvalidConfigException(
          "provisioning.certificate_issuance.rotate_handle",
          String.format(
              "0x%08X is the %s's handle; reserve another, free persistent handle",
              handle.get(), role.get()));
    }
  }

  /**
   * Refuses {@code rotate_key} for the X.509 attestation's own key ({@code identity_pk}): a
   * rotation destroys the old key after the switch, and DPS would then have no key to attest with.
   */
  static void refuseRotatingTheAttestationKey(
      Optional<CertificateIssuance> issuance, AttestationConfig attestation)
      throws InvalidConfigException {
    if (issuance.isEmpty()
        || !issuance.get().rotateKey()
        || !(attestation instanceof X509Attestation x509)) {
      return;
    }
    Optional<KeyUri> identityKey = Optional.empty(); // a PKCS#12 bundle is no issuance key
    if (x509.identity() instanceof X509Attestation.PemFiles pem) {
      identityKey = Optional.of(pem.privateKey());
    } else if (x509.identity() instanceof X509Attestation.TokenKey token) {
      identityKey = Optional.of(token.privateKey());
    }
    CertificateIssuance i = issuance.get();
    boolean shared =
        identityKey.isPresent()
            && (sameKey(i.key(), identityKey.get())
                || (identityKey.get().scheme() == KeyUri.Scheme.TPM
                    && i.rotateHandle().equals(Optional.of(identityKey.get().tpm().handle()))));
    if (shared) {
      throw new InvalidConfigException(
          "provisioning.certificate_issuance.rotate_key",
          "the issuance key (or its rotate_handle) is the X.509 attestation's identity_pk, which a"
              + " rotation would destroy; give certificate issuance a key of its own or set"
              + " rotate_key = false");
    }
  }

  /** Whether two references name the same key: same file, TPM handle, or token object. */
  private static boolean sameKey(KeyUri a, KeyUri b) {
    if (a.scheme() != b.scheme()) {
      return false;
    }
    return switch (a.scheme()) {
      case FILE ->
          a.path().toAbsolutePath().normalize().equals(b.path().toAbsolutePath().normalize());
      case TPM -> a.tpm().handle() == b.tpm().handle();
      case PKCS11 ->
          Objects.equals(a.pkcs11().token(), b.pkcs11().token())
              && Objects.equals(a.pkcs11().object(), b.pkcs11().object());
    };
  }

  /** Refuses {@code rotate_key} for a key whose home has no alternate location. */
  private static void requireAlternate(Section s, KeyUri key, Optional<Integer> handle)
      throws InvalidConfigException {
    switch (key.scheme()) {
      case FILE -> {}
      case TPM -> {
        if (handle.isEmpty()) {
          throw new InvalidConfigException(
              s.keyName("rotate_handle"),
              "is missing; rotate_key with a tpm: key needs a second persistent handle reserved"
                  + " for the agent, e.g. rotate_handle = 0x81000102");
        }
      }
      case PKCS11 -> {
        if (key.pkcs11().object() == null || key.pkcs11().id() != null) {
          throw new InvalidConfigException(
              s.keyName("rotate_key"),
              "needs a pkcs11: key named by object=<label> alone (no id=): the new pair is"
                  + " labelled <label>.alt");
        }
      }
    }
  }
}
