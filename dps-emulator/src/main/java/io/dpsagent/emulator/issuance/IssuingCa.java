package io.dpsagent.emulator.issuance;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The CA that signs devices' operational certificates: a root and an issuing intermediate below it,
 * both EC P-256, made at start-up (nothing is written but the root certificate, for verifiers).
 * Apart from the TLS CA on purpose: a certificate the hub accepts for a device is never one the
 * emulator's own servers could present.
 */
public final class IssuingCa {

  static final String ROOT_NAME = "CN=dps-emulator issuing root CA";
  static final String INTERMEDIATE_NAME = "CN=dps-emulator issuing CA";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  // Devices' clocks may lag a little; the CAs (not the leaves, whose lifetime a renewal
  // schedule measures) are back-dated.
  private static final Duration CA_BACKDATE = Duration.ofHours(1);

  private final SecureRandom random = new SecureRandom();
  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final KeyPair intermediateKeys;
  private final X509Certificate intermediate;

  private IssuingCa() throws GeneralSecurityException {
    Instant now = Instant.now();
    rootKeys = newKeyPair();
    root =
        caCertificate(
            new X500Name(ROOT_NAME),
            rootKeys.getPublic(),
            new X500Name(ROOT_NAME),
            rootKeys,
            1,
            now);
    intermediateKeys = newKeyPair();
    intermediate =
        caCertificate(
            new X500Name(INTERMEDIATE_NAME),
            intermediateKeys.getPublic(),
            new X500Name(ROOT_NAME),
            rootKeys,
            0,
            now);
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
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            intermediate,
            serialNumber(),
            Date.from(now),
            Date.from(now.plus(validity)),
            new X500Name("CN=" + escapeRdnValue(registrationId)),
            subjectKey);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(subjectKey))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(intermediate));
      return List.of(sign(builder, intermediateKeys), intermediate, root);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate with the local CA", e);
    }
  }

  private X509Certificate caCertificate(
      X500Name subject,
      PublicKey subjectKey,
      X500Name issuer,
      KeyPair issuerKeys,
      int pathLength,
      Instant now)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            serialNumber(),
            Date.from(now.minus(CA_BACKDATE)),
            Date.from(now.plus(CA_VALIDITY)),
            subject,
            subjectKey);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(subjectKey))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode certificate extensions", e);
    }
    return sign(builder, issuerKeys);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign certificate", e);
    }
  }

  // Registration IDs may hold ':' and '.', never the characters RFC 4514 escapes but these.
  private static String escapeRdnValue(String value) {
    return value.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
  }

  private BigInteger serialNumber() {
    return new BigInteger(63, random).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
