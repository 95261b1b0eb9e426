package io.dpsagent.emulator.issuance;

import io.dpsagent.emulator.crypto.CertificateSigner;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The CA that signs devices' operational certificates: a root and an issuing intermediate below it,
 * both EC P-256, made at start-up (nothing is written but the root certificate, for verifiers).
 * Apart from the TLS CA on purpose: a certificate the hub accepts for a device is never one the
 * emulator's own servers could present.
 */
public final class IssuingCa {

  static final String ROOT_NAME = "CN=dps-emulator issuing root CA";
  static final String INTERMEDIATE_NAME = "CN=dps-emulator issuing CA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  // Devices' clocks may lag a little; the CAs (not the leaves, whose lifetime a renewal
  // schedule measures) are back-dated.
  private static final Duration CA_BACKDATE = Duration.ofHours(1);

  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final CertificateSigner intermediateSigner;

  private IssuingCa() throws GeneralSecurityException {
    Instant now = Instant.now();
    Instant notBefore = now.minus(CA_BACKDATE);
    Instant notAfter = now.plus(CA_VALIDITY);
    KeyPair rootKeys = CertificateSigner.newKeyPair();
    CertificateSigner rootSigner = CertificateSigner.selfSigning(new X500Name(ROOT_NAME), rootKeys);
    root = rootSigner.ca(new X500Name(ROOT_NAME), rootKeys.getPublic(), 1, notBefore, notAfter);
    KeyPair intermediateKeys = CertificateSigner.newKeyPair();
    intermediate =
        rootSigner.ca(
            new X500Name(INTERMEDIATE_NAME), intermediateKeys.getPublic(), 0, notBefore, notAfter);
    intermediateSigner = CertificateSigner.of(intermediate, intermediateKeys);
  }

  /** A new root and intermediate. */
  public static IssuingCa generate() {
    try {
      return new IssuingCa();
    } catch (GeneralSecurityException e) {
      // EC P-256 and SHA256withECDSA are mandatory in every Java platform.
      throw new IllegalStateException("cannot generate the issuing CA", e);
    }
  }

  /** The trust anchor of every issued chain. */
  public X509Certificate root() {
    return root;
  }

  /** The CA that signs the leaves. */
  public X509Certificate intermediate() {
    return intermediate;
  }

  /**
   * A client certificate for {@code subjectKey}, {@code CN=<registrationId>}, valid from {@code
   * now} for {@code validity}, followed by the intermediate and the root.
   */
  public List<X509Certificate> issue(
      String registrationId, PublicKey subjectKey, Instant now, Duration validity) {
    try {
      X509Certificate leaf =
          intermediateSigner.leaf(
              new X500Name("CN=" + escapeRdnValue(registrationId)),
              subjectKey,
              KeyPurposeId.id_kp_clientAuth,
              null,
              now,
              now.plus(validity));
      return List.of(leaf, intermediate, root);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate with the local CA", e);
    }
  }

  // Registration IDs may hold ':' and '.', never the characters RFC 4514 escapes but these.
  private static String escapeRdnValue(String value) {
    return value.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
  }
}
