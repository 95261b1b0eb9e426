package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.config.RegistrationId;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
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

  private X509Authentication(String registrationId, TlsIdentity identity, X509Attestation config) {
    this.registrationId = registrationId;
    this.identity = identity;
    this.config = config;
  }

  public static X509Authentication load(X509Attestation config, Instant now, Optional<String> pkcs11Module)
      throws AgentException {
    TlsIdentity identity = loadIdentity(config.identity(), pkcs11Module);
    X509Certificate leaf = identity.leaf();
    requireValidAt(leaf, now, source(config.identity()));
    String cn = commonName(leaf).orElseThrow(() -> AgentException.config(
        "certificate in " + source(config.identity()) + " has no subject CN; DPS takes the registration ID from it"));
    if (cn.length() > MAX_CN_LENGTH) {
      throw AgentException.config("certificate CN '" + cn + "' is longer than " + MAX_CN_LENGTH + " characters");
    }
    try {
      RegistrationId.validate(cn);
    } catch (IllegalArgumentException e) {
      throw AgentException.config("certificate CN cannot be a registration ID: " + e.getMessage());
    }
    if (config.registrationId().isPresent() && !config.registrationId().get().equals(cn)) {
      throw AgentException.config("provisioning.attestation.registration_id '" + config.registrationId().get()
          + "' differs from the certificate CN '" + cn + "'; DPS requires them to be equal (or leave registration_id out)");
    }
    return new X509Authentication(cn, identity, config);
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
    throw AgentException.config("X.509 devices authenticate to their hub with the certificate; there is no SAS key");
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
    if (files instanceof X509Attestation.PemFiles) {
      references.put("certificateUri", ((X509Attestation.PemFiles) files).certificateChain().toString());
      references.put("privateKeyUri", ((X509Attestation.PemFiles) files).privateKey().toString());
    } else if (files instanceof X509Attestation.TokenKey) {
      X509Attestation.TokenKey token = (X509Attestation.TokenKey) files;
      token.certificateChain().ifPresent(c -> references.put("certificateUri", c.toString()));
      references.put("privateKeyUri", token.privateKey().toString());
    } else {
      references.put("pkcs12Uri", ((X509Attestation.Pkcs12File) files).bundle().toString());
    }
    return new HubAuth("x509", references, Optional.of("x509=true"));
  }

  private static TlsIdentity loadIdentity(X509Attestation.Identity files, Optional<String> pkcs11Module)
      throws AgentException {
    try {
      if (files instanceof X509Attestation.TokenKey) {
        X509Attestation.TokenKey token = (X509Attestation.TokenKey) files;
        Pkcs11Token hsm = Tokens.open(token.privateKey(), pkcs11Module);
        Optional<KeyUri> chain = token.certificateChain();
        return chain.isPresent() && chain.get().scheme() == KeyUri.Scheme.FILE
            ? hsm.tlsIdentity(token.privateKey().pkcs11(), SoftwareTlsIdentity.readChain(chain.get().path()))
            : hsm.tlsIdentity(token.privateKey().pkcs11());
      }
      if (files instanceof X509Attestation.PemFiles) {
        X509Attestation.PemFiles pem = (X509Attestation.PemFiles) files;
        return SoftwareTlsIdentity.fromPem(pem.certificateChain().path(), pem.privateKey().path());
      }
      X509Attestation.Pkcs12File p12 = (X509Attestation.Pkcs12File) files;
      return SoftwareTlsIdentity.fromPkcs12(p12.bundle().path(), p12.passwordFile().path());
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  private static void requireValidAt(X509Certificate leaf, Instant now, String source) throws AgentException {
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw AgentException.config("certificate in " + source + " expired on " + leaf.getNotAfter().toInstant()
          + "; install a renewed certificate");
    } catch (CertificateNotYetValidException e) {
      throw AgentException.config("certificate in " + source + " is not valid before "
          + leaf.getNotBefore().toInstant() + "; check the device clock");
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
    if (files instanceof X509Attestation.TokenKey) {
      return ((X509Attestation.TokenKey) files).certificateChain().orElse(((X509Attestation.TokenKey) files).privateKey())
          .toString();
    }
    return files instanceof X509Attestation.PemFiles
        ? ((X509Attestation.PemFiles) files).certificateChain().path().toString()
        : ((X509Attestation.Pkcs12File) files).bundle().path().toString();
  }
}
