package io.dpsagent.emulator.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
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
 * Signs certificates with one CA key: the emulator's TLS CA and its issuing CA both make their
 * certificates here, so that every certificate the emulator produces has the same profile (EC P-256
 * keys from the JDK, SHA256withECDSA, 63-bit random serials, key identifiers on both sides).
 * BouncyCastle only assembles the certificates.
 */
public final class CertificateSigner {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X500Name name;
  private final KeyPair keys;
  private final AuthorityKeyIdentifier authorityKeyId;

  private CertificateSigner(X500Name name, KeyPair keys, AuthorityKeyIdentifier authorityKeyId) {
    this.name = name;
    this.keys = keys;
    this.authorityKeyId = authorityKeyId;
  }

  /** A CA that has no certificate yet: its first one is {@link #ca} of its own key. */
  public static CertificateSigner selfSigning(X500Name name, KeyPair keys)
      throws GeneralSecurityException {
    return new CertificateSigner(
        name, keys, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(keys.getPublic()));
  }

  /** The CA that {@code certificate} names, signing with {@code keys}. */
  public static CertificateSigner of(X509Certificate certificate, KeyPair keys)
      throws GeneralSecurityException {
    return new CertificateSigner(
        X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
        keys,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
  }

  /** A new EC P-256 key pair, the kind every certificate of the emulator is for. */
  public static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** A CA certificate allowing {@code pathLength} CAs below it. */
  public X509Certificate ca(
      X500Name subject, PublicKey subjectKey, int pathLength, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder = builder(subject, subjectKey, notBefore, notAfter);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (CertIOException e) {
      throw extensionsFailed(e);
    }
    return sign(builder);
  }

  /**
   * An end-entity certificate for {@code purpose} (TLS server or client); {@code alternativeNames}
   * may be null.
   */
  public X509Certificate leaf(
      X500Name subject,
      PublicKey subjectKey,
      KeyPurposeId purpose,
      GeneralNames alternativeNames,
      Instant notBefore,
      Instant notAfter)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder = builder(subject, subjectKey, notBefore, notAfter);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (alternativeNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
      }
    } catch (CertIOException e) {
      throw extensionsFailed(e);
    }
    return sign(builder);
  }

  private X509v3CertificateBuilder builder(
      X500Name subject, PublicKey subjectKey, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(63, RANDOM).add(BigInteger.ONE),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            subjectKey);
    try {
      return builder
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId);
    } catch (CertIOException e) {
      throw extensionsFailed(e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign certificate", e);
    }
  }

  private static GeneralSecurityException extensionsFailed(CertIOException e) {
    return new GeneralSecurityException("cannot encode certificate extensions", e);
  }
}
