package io.dpsagent.e2e.interop;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Device identities for X.509 attestation, made at test time (no key or certificate is stored):
 * self-signed leaves for individual enrollments, and CA hierarchies for enrollment groups. EC P-256.
 */
final class DeviceCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final Duration BACKDATE = Duration.ofHours(1);

  private DeviceCertificates() {}

  /** A device's key and the chain it presents: its leaf first, then any intermediates. */
  record Identity(String registrationId, PrivateKey privateKey, List<X509Certificate> chain) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    String chainPem() throws IOException {
      return pem(chain.toArray());
    }

    /** PKCS#8, which every TLS stack reads (BouncyCastle would label a JDK EC key's PKCS#8 body as SEC1). */
    String privateKeyPem() {
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }
  }

  /** A signing certificate (root or intermediate) and its key; the chain above it, if any. */
  record Authority(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> above) {

    Authority intermediate(String commonName) throws GeneralSecurityException, IOException {
      KeyPair pair = newKeyPair();
      X509Certificate issued = sign(builder(certificate, commonName, pair), true, this);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(certificate);
      chain.addAll(above);
      return new Authority(issued, pair.getPrivate(), List.copyOf(chain));
    }

    /** A device certificate with CN = the registration ID, as DPS requires, plus this chain minus the root. */
    Identity issueDevice(String registrationId) throws GeneralSecurityException, IOException {
      KeyPair pair = newKeyPair();
      X509Certificate leaf = sign(builder(certificate, registrationId, pair), false, this);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(leaf);
      if (!above.isEmpty()) {
        chain.add(certificate);
        chain.addAll(above.subList(0, above.size() - 1));
      }
      return new Identity(registrationId, pair.getPrivate(), List.copyOf(chain));
    }
  }

  /** A self-signed root CA. */
  static Authority root(String commonName) throws GeneralSecurityException, IOException {
    KeyPair pair = newKeyPair();
    X509Certificate root = sign(selfIssued(commonName, pair), true, pair.getPrivate());
    return new Authority(root, pair.getPrivate(), List.of());
  }

  /** A self-signed device certificate, as used with individual enrollments. */
  static Identity selfSignedDevice(String registrationId) throws GeneralSecurityException, IOException {
    KeyPair pair = newKeyPair();
    X509Certificate leaf = sign(selfIssued(registrationId, pair), false, pair.getPrivate());
    return new Identity(registrationId, pair.getPrivate(), List.of(leaf));
  }

  private static X509v3CertificateBuilder selfIssued(String commonName, KeyPair pair) {
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(VALIDITY)), name, pair.getPublic());
  }

  private static X509v3CertificateBuilder builder(X509Certificate issuer, String commonName, KeyPair pair) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(VALIDITY)), new X500Name("CN=" + commonName), pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, boolean ca, Authority issuer)
      throws GeneralSecurityException, IOException {
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate()));
    return sign(builder, ca, issuer.privateKey());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, boolean ca, PrivateKey signer)
      throws GeneralSecurityException, IOException {
    builder.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
    if (ca) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign a test certificate", e);
    }
  }

  private static String pem(Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    }
    return text.toString();
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
