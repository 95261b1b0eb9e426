package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Authenticates a device by the certificate chain it presented in the TLS handshake, as DPS does.
 *
 * <p>The registration ID must be the leaf's subject CN. An individual enrollment for that ID whose
 * certificate is the leaf (same DER bytes, primary or secondary) decides first. Otherwise the chain
 * is walked from the leaf upward, and the first certificate issued by a group's signing certificate
 * decides: the chain up to it must then verify with the group certificate as trust anchor
 * (signatures, validity at {@code now}, CA constraints; no revocation checks, as the emulator has
 * no CRLs). A disabled enrollment still matches, so that it blocks provisioning.
 */
public final class X509Authenticator {

  /** A CN holds at most 64 characters, so X.509 registration IDs are shorter than others. */
  public static final int MAX_REGISTRATION_ID_LENGTH = 64;

  private final Registry registry;

  public X509Authenticator(Registry registry) {
    this.registry = registry;
  }

  /**
   * Returns the enrollment that authenticates {@code registrationId}.
   *
   * @param chain the certificates the device presented, leaf first, unverified
   */
  public X509Match authenticate(String registrationId, List<X509Certificate> chain, Instant now)
      throws AuthenticationException {
    if (chain.isEmpty()) {
      throw new AuthenticationException("no client certificate");
    }
    X509Certificate leaf = chain.get(0);
    if (!commonName(leaf).equalsIgnoreCase(registrationId)) {
      throw new AuthenticationException("registration ID is not the certificate's subject CN");
    }
    Optional<IndividualEnrollment> individual =
        registry
            .individualEnrollment(registrationId)
            .filter(enrollment -> pins(enrollment.attestation(), leaf));
    if (individual.isPresent()) {
      checkValidity(leaf, now);
      return new X509Match(individual.get(), leaf, Optional.empty());
    }
    return matchGroup(chain, now);
  }

  private X509Match matchGroup(List<X509Certificate> chain, Instant now)
      throws AuthenticationException {
    List<EnrollmentGroup> groups =
        registry.enrollmentGroups().stream()
            .filter(group -> group.attestation() instanceof X509Mechanism)
            .sorted(Comparator.comparing(EnrollmentGroup::id))
            .toList();
    for (int i = 0; i < chain.size(); i++) {
      for (EnrollmentGroup group : groups) {
        for (X509Certificate signing : ((X509Mechanism) group.attestation()).certificates()) {
          if (issued(signing, chain.get(i))) {
            verifyPath(chain.subList(0, i + 1), signing, now);
            return new X509Match(group, chain.get(0), Optional.of(signing));
          }
        }
      }
    }
    throw new AuthenticationException("no enrollment matches the certificate chain");
  }

  private static boolean pins(Attestation attestation, X509Certificate leaf) {
    if (!(attestation instanceof X509Mechanism x509)) {
      return false;
    }
    byte[] leafDigest = sha256(leaf);
    return x509.certificates().stream()
        .anyMatch(pinned -> MessageDigest.isEqual(sha256(pinned), leafDigest));
  }

  private static boolean issued(X509Certificate issuer, X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void verifyPath(List<X509Certificate> path, X509Certificate anchor, Instant now)
      throws AuthenticationException {
    checkValidity(anchor, now);
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      throw new AuthenticationException("certificate chain does not verify: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new AuthenticationException("certificate chain cannot be checked: " + e.getMessage());
    }
  }

  private static void checkValidity(X509Certificate certificate, Instant now)
      throws AuthenticationException {
    try {
      certificate.checkValidity(Date.from(now));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new AuthenticationException(
          "certificate " + certificate.getSubjectX500Principal() + " is not valid now");
    }
  }

  /** The single CN of the subject; certificates with none or several are refused. */
  private static String commonName(X509Certificate certificate) throws AuthenticationException {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] commonNames = subject.getRDNs(BCStyle.CN);
    if (commonNames.length != 1) {
      throw new AuthenticationException("certificate subject must have exactly one CN");
    }
    ASN1Encodable value = commonNames[0].getFirst().getValue();
    if (!(value instanceof ASN1String text)) {
      throw new AuthenticationException("certificate CN is not a string");
    }
    return text.getString();
  }

  private static byte[] sha256(X509Certificate certificate) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always re-encodes", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java platform", e);
    }
  }
}
