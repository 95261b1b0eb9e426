package io.dpsagent.emulator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for X.509 device tests, made at test time: EC P-256 CAs, intermediates and device
 * (leaf) certificates whose subject is just {@code CN=<name>}.
 */
public final class TestPki {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and the key pair it certifies. */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {
    public PrivateKey privateKey() {
      return keyPair.getPrivate();
    }
  }

  private TestPki() {}

  /** A self-signed root CA valid from an hour ago for a year. */
  public static Issued rootCa(String commonName) {
    KeyPair keys = newKeyPair();
    return new Issued(
        build(commonName, keys, name(commonName), keys.getPrivate(), true, validFrom(), validTo()),
        keys);
  }

  /** An intermediate CA issued by {@code issuer}. */
  public static Issued intermediateCa(String commonName, Issued issuer) {
    return issue(commonName, issuer, true, validFrom(), validTo());
  }

  /** A device certificate issued by {@code issuer}, valid now. */
  public static Issued device(String commonName, Issued issuer) {
    return issue(commonName, issuer, false, validFrom(), validTo());
  }

  /** A device certificate issued by {@code issuer}, valid between the given instants. */
  public static Issued device(
      String commonName, Issued issuer, Instant notBefore, Instant notAfter) {
    return issue(commonName, issuer, false, notBefore, notAfter);
  }

  /** A self-signed device certificate, as individual X.509 enrollments commonly use. */
  public static Issued selfSignedDevice(String commonName) {
    KeyPair keys = newKeyPair();
    return new Issued(
        build(commonName, keys, name(commonName), keys.getPrivate(), false, validFrom(), validTo()),
        keys);
  }

  private static Issued issue(
      String commonName, Issued issuer, boolean ca, Instant notBefore, Instant notAfter) {
    KeyPair keys = newKeyPair();
    X500Name issuerName =
        X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    return new Issued(
        build(commonName, keys, issuerName, issuer.privateKey(), ca, notBefore, notAfter), keys);
  }

  private static X509Certificate build(
      String commonName,
      KeyPair subjectKeys,
      X500Name issuerName,
      PrivateKey issuerKey,
      boolean ca,
      Instant notBefore,
      Instant notAfter) {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              new BigInteger(63, RANDOM).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notAfter),
              name(commonName),
              subjectKeys.getPublic());
      if (ca) {
        builder
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build test certificate", e);
    }
  }

  // Built from an explicit UTF8String so that tests can also make the over-long CNs (more than
  // the 64 characters RFC 5280 allows) that real devices sometimes carry.
  private static X500Name name(String commonName) {
    return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant validFrom() {
    return Instant.now().minus(Duration.ofHours(1));
  }

  private static Instant validTo() {
    return Instant.now().plus(Duration.ofDays(365));
  }
}
