package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.RegistrationId;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * X.509 attestation: the device presents its certificate chain in the TLS handshake and DPS takes
 * the registration ID from the leaf's common name. Everything DPS would refuse for certain (an
 * expired certificate, a registration ID that is not the CN) is refused here first, with a reason.
 */
public final class X509Authentication implements DeviceAuthentication {

  /** DPS caps X.509 registration IDs at the CN's maximum length. */
  static final int MAX_CN_LENGTH = 64;

  private final String registrationId;
  private final TlsIdentity identity;
  private final X509Attestation config;

  private X509Authentication(TlsIdentity identity, X509Attestation config, Instant now)
      throws AgentException {
    this.identity = identity;
    this.config = config;
    this.registrationId = registrationId(identity.leaf(), config, now);
  }

  public static X509Authentication load(X509Attestation config, Instant now, KeyOptions options)
      throws AgentException {
    return new X509Authentication(loadIdentity(config.identity(), options), config, now);
  }

  /** The leaf's CN, once it is shown to be what DPS would take as this device's registration ID. */
  private static String registrationId(X509Certificate leaf, X509Attestation config, Instant now)
      throws AgentException {
    requireValidAt(leaf, now, source(config.identity()));
    String cn =
        commonName(leaf)
            .orElseThrow(
                () ->
                    AgentException.config(
                        "certificate in "
                            + source(config.identity())
                            + " has no subject CN; DPS takes the registration ID from it"));
    if (cn.length() > MAX_CN_LENGTH) {
      throw AgentException.config(
          "certificate CN '" + cn + "' is longer than " + MAX_CN_LENGTH + " characters");
    }
    try {
      RegistrationId.validate(cn);
    } catch (IllegalArgumentException e) {
      throw AgentException.config("certificate CN cannot be a registration ID: " + e.getMessage());
    }
    if (config.registrationId().isPresent() && !config.registrationId().get().equals(cn)) {
      throw AgentException.config(
          "provisioning.attestation.registration_id '"
              + config.registrationId().get()
              + "' differs from the certificate CN '"
              + cn
              + "'; DPS requires them to be equal (or leave registration_id out)");
    }
    return cn;
  }

  @Override
  public String registrationId() {
    return registrationId;
  }

  @Override
  public String method() {
    return config.method();
  }

  @Override
  public DpsCredentials dpsCredentials() {
    return now -> Optional.empty();
  }

  @Override
  public SasSigner hubSigner() throws AgentException {
    throw AgentException.config(
        "X.509 devices authenticate to their hub with the certificate; there is no SAS key");
  }

  @Override
  public Optional<TlsIdentity> tlsIdentity() {
    return Optional.of(identity);
  }

  @Override
  public byte[] identityMaterial() throws AgentException {
    try {
      return identity.leaf().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw AgentException.config("cannot encode the device certificate: " + e.getMessage());
    }
  }

  @Override
  public HubAuth hubAuth() {
    Map<String, String> references = new LinkedHashMap<>();
    X509Attestation.Identity files = config.identity();
    if (files instanceof X509Attestation.PemFiles pem) {
      references.put("certificateUri", pem.certificateChain().toString());
      references.put("privateKeyUri", pem.privateKey().toString());
    } else if (files instanceof X509Attestation.TokenKey token) {
      token.certificateChain().ifPresent(c -> references.put("certificateUri", c.toString()));
      references.put("privateKeyUri", token.privateKey().toString());
    } else if (files instanceof X509Attestation.Pkcs12File p12) {
      references.put("pkcs12Uri", p12.bundle().toString());
    }
    return new HubAuth("x509", references, Optional.of("x509=true"));
  }

  private static TlsIdentity loadIdentity(X509Attestation.Identity files, KeyOptions options)
      throws AgentException {
    try {
      if (files instanceof X509Attestation.TokenKey token) {
        return Keys.tlsIdentity(token.certificateChain(), token.privateKey(), options);
      }
      if (files instanceof X509Attestation.PemFiles pem) {
        return Keys.tlsIdentity(Optional.of(pem.certificateChain()), pem.privateKey(), options);
      }
      X509Attestation.Pkcs12File p12 = (X509Attestation.Pkcs12File) files;
      return Keys.tlsIdentityFromPkcs12(p12.bundle(), p12.passwordFile());
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  private static void requireValidAt(X509Certificate leaf, Instant now, String source)
      throws AgentException {
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw AgentException.config(
          "certificate in "
              + source
              + " expired on "
              + leaf.getNotAfter().toInstant()
              + "; install a renewed certificate");
    } catch (CertificateNotYetValidException e) {
      throw AgentException.config(
          "certificate in "
              + source
              + " is not valid before "
              + leaf.getNotBefore().toInstant()
              + "; check the device clock");
    }
  }

  static Optional<String> commonName(X509Certificate cert) {
    try {
      LdapName name = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private static String source(X509Attestation.Identity files) {
    if (files instanceof X509Attestation.TokenKey token) {
      return token.certificateChain().orElse(token.privateKey()).toString();
    }
    return files instanceof X509Attestation.PemFiles pem
        ? pem.certificateChain().path().toString()
        : ((X509Attestation.Pkcs12File) files).bundle().path().toString();
  }
}
