package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Printable;
import java.util.Optional;

/**
 * {@code [provisioning.attestation]}: the method, the registration ID and where the device's
 * secrets live (key files, a PKCS#12 bundle, a PKCS#11 token), every key checked as {@link
 * ConfigLoader} checks the rest.
 */
final class AttestationSection {

  private AttestationSection() {}

  /** Binds {@code [provisioning.attestation]}. */
  static AttestationConfig bind(Section s) throws InvalidConfigException {
    String method = s.requiredString("method", "use \"symmetric_key\", \"x509\" or \"tpm\"");
    AttestationConfig attestation;
    switch (method) {
      case "symmetric_key":
        attestation = symmetricKey(s);
        break;
      case "x509":
        attestation = x509(s);
        break;
      case "tpm":
        Optional<String> registrationId = s.string("registration_id");
        if (registrationId.isPresent()) {
          registrationId(s, registrationId.get());
        }
        attestation = new TpmAttestation(registrationId);
        break;
      default:
        throw new InvalidConfigException(
            s.keyName("method"),
            Printable.quote(method)
                + " is not supported; use \"symmetric_key\", \"x509\" or \"tpm\"");
    }
    s.rejectUnknownKeys();
    return attestation;
  }

  private static SymmetricKeyAttestation symmetricKey(Section s) throws InvalidConfigException {
    String registrationId =
        registrationId(s, s.requiredString("registration_id", "set the device's registration ID"));
    Optional<KeyUri> deviceKey = s.table("symmetric_key", t -> keyReference(t, true));
    Optional<KeyUri> groupKey = s.table("group_key", t -> keyReference(t, true));
    rejectTpmKey(s, "symmetric_key", deviceKey, "a symmetric key is a file:/// or pkcs11: URI");
    rejectTpmKey(s, "group_key", groupKey, "a symmetric key is a file:/// or pkcs11: URI");
    if (deviceKey.isPresent() == groupKey.isPresent()) {
      throw new InvalidConfigException(
          s.keyName("symmetric_key"),
          "set exactly one of symmetric_key = { uri = \"file:///...\" } or group_key = { uri = \"file:///...\" }");
    }
    long ttl = s.integer("sas_ttl_seconds", 60, 86_400).orElse(3600L);
    return new SymmetricKeyAttestation(
        registrationId, deviceKey.orElseGet(groupKey::get), groupKey.isPresent(), ttl);
  }

  private static X509Attestation x509(Section s) throws InvalidConfigException {
    Optional<String> registrationId = s.string("registration_id");
    if (registrationId.isPresent()) {
      registrationId(s, registrationId.get());
    }
    Optional<KeyUri> cert = s.table("identity_cert", t -> keyReference(t, true));
    Optional<KeyUri> key = s.table("identity_pk", t -> keyReference(t, true));
    rejectTpmKey(s, "identity_cert", cert, "name the PEM chain issued for the key, file:///...");
    Optional<Section> p12 = s.table("identity_pkcs12");
    if (p12.isPresent() == (cert.isPresent() || key.isPresent())) {
      throw new InvalidConfigException(
          s.keyName("identity_cert"),
          "set identity_cert and identity_pk (PEM files), or identity_pkcs12 = { uri = ..., password_uri = ... }");
    }
    if (p12.isPresent()) {
      Section t = p12.get();
      KeyUri bundle =
          fileUri(
              t, "uri", "name the PKCS#12 file, e.g. uri = \"file:///etc/dps-agent/device.p12\"");
      KeyUri password =
          fileUri(
              t,
              "password_uri",
              "name the file holding its password, e.g. password_uri = \"file:///etc/dps-agent/device.p12.pass\"");
      t.rejectUnknownKeys();
      return new X509Attestation(registrationId, new X509Attestation.Pkcs12File(bundle, password));
    }
    if (key.isPresent() && key.get().keepsCertificates()) {
      return new X509Attestation(registrationId, new X509Attestation.TokenKey(key.get(), cert));
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new InvalidConfigException(
          s.keyName(cert.isEmpty() ? "identity_cert" : "identity_pk"),
          "is missing; X.509 needs both identity_cert (PEM chain) and identity_pk (private key)");
    }
    if (!cert.get().isFile()) {
      throw new InvalidConfigException(
          s.keyName("identity_cert"),
          "a certificate from a PKCS#11 token goes with a private key in that token (identity_pk = { uri = \"pkcs11:...\" })");
    }
    return new X509Attestation(registrationId, new X509Attestation.PemFiles(cert.get(), key.get()));
  }

  private static String registrationId(Section s, String registrationId)
      throws InvalidConfigException {
    try {
      RegistrationId.validate(registrationId);
      return registrationId;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(s.keyName("registration_id"), e.getMessage());
    }
  }

  /** A {@code tpm:} key signs TLS handshakes (identity_pk); it is no symmetric key nor chain. */
  private static void rejectTpmKey(Section s, String key, Optional<KeyUri> uri, String fix)
      throws InvalidConfigException {
    if (uri.filter(u -> u.scheme() == KeyUri.Scheme.TPM).isPresent()) {
      throw new InvalidConfigException(
          s.keyName(key), "a tpm: URI names an X.509 key (identity_pk); " + fix);
    }
  }

  static KeyUri keyReference(Section s, boolean tokenAllowed) throws InvalidConfigException {
    KeyUri key =
        keyUri(
            s,
            "uri",
            "name the key, e.g. uri = \"file:///etc/dps-agent/device.key\" or \"pkcs11:...\"",
            tokenAllowed);
    s.rejectUnknownKeys();
    return key;
  }

  /** A required {@code file:} reference. */
  private static KeyUri fileUri(Section s, String key, String hint) throws InvalidConfigException {
    return keyUri(s, key, hint, false);
  }

  /** A required key reference: {@code file:}, or also {@code pkcs11:} where a token may hold it. */
  private static KeyUri keyUri(Section s, String key, String hint, boolean tokenAllowed)
      throws InvalidConfigException {
    String uri = s.requiredString(key, hint);
    KeyUri parsed;
    try {
      parsed = KeyUri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(s.keyName(key), e.getMessage());
    }
    if (!parsed.isFile() && !tokenAllowed) {
      throw new InvalidConfigException(
          s.keyName(key), Printable.quote(String.valueOf(parsed)) + " must be a file:/// URI");
    }
    return parsed;
  }
}
