package io.dpsagent.emulator.issuance;

import io.dpsagent.emulator.issuance.CsrRejection.Reason;
import io.dpsagent.emulator.registry.Enrollment;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;

/**
 * Certificate issuance at provisioning: the device API asks it to {@link #accept} a CSR at register
 * time (so every refusal is a synchronous 400) and to {@link #issue} the chain once the device is
 * assigned; the emulated hubs ask it whether a TLS client chain is one it issued to a device
 * ({@link #issuedTo}).
 *
 * <p>Which devices hold issued certificates is kept in memory only: after a restart (which makes a
 * new CA) a device provisions again to get one.
 */
public final class CertificateIssuer {

  /** The default lifetime of an issued certificate. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

  private final IssuingCa ca;
  private final Duration validity;
  private final Clock clock;
  // Registration IDs (lower-cased, as DPS compares them) whose last assignment issued a
  // certificate.
  private final Map<String, Boolean> holders = new ConcurrentHashMap<>();

  public CertificateIssuer(IssuingCa ca, Duration validity, Clock clock) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("issued certificate validity must be positive");
    }
    this.ca = ca;
    this.validity = validity;
    this.clock = clock;
  }

  public IssuingCa ca() {
    return ca;
  }

  /**
   * Checks a CSR sent under {@code enrollment}.
   *
   * @return the key to certify
   */
  public PublicKey accept(Enrollment enrollment, String registrationId, String csr)
      throws CsrRejection {
    if (!enrollment.options().certificateIssuance()) {
      throw new CsrRejection(Reason.NOT_ENABLED, "the enrollment is not set for issuance");
    }
    return CertificateRequests.verify(csr, registrationId);
  }

  /** The chain for an assigned device, leaf first, ending with the root. */
  public List<X509Certificate> issue(String registrationId, PublicKey key) {
    List<X509Certificate> chain = ca.issue(registrationId, key, clock.instant(), validity);
    holders.put(normalized(registrationId), Boolean.TRUE);
    return chain;
  }

  /**
   * The device registered again without a CSR: the hub goes back to the enrollment's credential.
   */
  public void forget(String registrationId) {
    holders.remove(normalized(registrationId));
  }

  /** Whether the last assignment of {@code registrationId} issued it a certificate. */
  public boolean holdsIssued(String registrationId) {
    return holders.containsKey(normalized(registrationId));
  }

  /**
   * Whether {@code chain}'s leaf is a certificate this CA issued to {@code registrationId} that is
   * valid now. Every certificate still valid is accepted, so an application may keep its connection
   * on the previous certificate while a renewal is written.
   */
  public boolean issuedTo(String registrationId, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      return false;
    }
    X509Certificate leaf = chain.get(0);
    Instant now = clock.instant();
    try {
      leaf.verify(ca.intermediate().getPublicKey());
      leaf.checkValidity(Date.from(now));
    } catch (GeneralSecurityException e) {
      return false;
    }
    X500Principal expected = new X500Principal("CN=" + registrationId);
    return leaf.getSubjectX500Principal().equals(expected);
  }

  private static String normalized(String registrationId) {
    return registrationId.toLowerCase(Locale.ROOT);
  }

  /** A chain as {@code issuedCertificateChain} carries it: base64 DER, leaf first. */
  public static List<String> wireForm(List<X509Certificate> chain) {
    return chain.stream().map(CertificateIssuer::base64).toList();
  }

  private static String base64(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("an issued certificate always encodes", e);
    }
  }
}
