package io.dpsagent.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, made at run time: a root CA, intermediates and device leaves, with the
 * key types devices use (EC P-256, EC P-384, RSA 2048). Nothing here is for production use.
 */
public final class TestPki {

  /** Key types a device certificate may carry. */
  public enum KeyType {
    EC_P256,
    EC_P384,
    RSA_2048
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestPki() {}

  /** A self-signed root CA with an EC P-256 key. */
  public static Issuer rootCa(String commonName) {
    KeyPair keys = keyPair(KeyType.EC_P256);
    X509Certificate cert = selfSign(commonName, keys, true, 365);
    return new Issuer(cert, keys.getPrivate(), List.of());
  }

  /** A self-signed device certificate, as individual enrollments commonly use, valid for a day. */
  public static Leaf selfSigned(String commonName, KeyType type) {
    KeyPair keys = keyPair(type);
    X509Certificate cert = selfSign(commonName, keys, false, 1);
    return new Leaf(List.of(cert), keys.getPrivate());
  }

  /** A certificate authority that can issue intermediates and device certificates. */
  public static final class Issuer {
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final List<X509Certificate>
        above; // issuers of this one, nearest first, without the root

    private Issuer(X509Certificate certificate, PrivateKey key, List<X509Certificate> above) {
      this.certificate = certificate;
      this.key = key;
      this.above = above;
    }

    public X509Certificate certificate() {
      return certificate;
    }

    public Issuer intermediate(String commonName) {
      KeyPair keys = keyPair(KeyType.EC_P256);
      X509Certificate cert =
          sign(commonName, keys.getPublic(), subject(), key, true, anHourAgo(), inDays(365));
      return new Issuer(cert, keys.getPrivate(), chainAbove());
    }

    /** A device certificate valid from an hour ago for a day. */
    public Leaf leaf(String commonName, KeyType type) {
      return leaf(commonName, type, anHourAgo(), inDays(1));
    }

    public Leaf leaf(String commonName, KeyType type, Instant notBefore, Instant notAfter) {
      KeyPair keys = keyPair(type);
      X509Certificate cert =
          sign(commonName, keys.getPublic(), subject(), key, false, notBefore, notAfter);
      return new Leaf(issuedChain(cert), keys.getPrivate());
    }

    /** What a device presents above a certificate this issuer signed: the issuer unless root. */
    private List<X509Certificate> chainAbove() {
      List<X509Certificate> chain = new ArrayList<>();
      if (!isRoot()) {
        chain.add(certificate);
        chain.addAll(above);
      }
      return chain;
    }

    private List<X509Certificate> issuedChain(X509Certificate issued) {
      List<X509Certificate> chain = new ArrayList<>(List.of(issued));
      chain.addAll(chainAbove());
      return chain;
    }

    /**
     * Certifies a key made elsewhere (e.g. in a token, from a CSR): the chain a device presents,
     * leaf first, without the root.
     */
    public List<X509Certificate> certify(String commonName, java.security.PublicKey publicKey) {
      return issuedChain(
          sign(commonName, publicKey, subject(), key, false, anHourAgo(), inDays(1)));
    }

    private boolean isRoot() {
      return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private String subject() {
      return certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }
  }

  /** A device certificate with its private key and the chain a device presents (no root). */
  public record Leaf(List<X509Certificate> chain, PrivateKey privateKey) {

    private static final char[] NO_PASSWORD = new char[0];

    public X509Certificate certificate() {
      return chain.get(0);
    }

    /** Signs with this leaf's key although it is no CA: for chains a verifier must refuse. */
    public Issuer asIssuer() {
      return new Issuer(certificate(), privateKey, chain.subList(1, chain.size()));
    }

    /** Writes the chain (PEM, leaf first) and the PKCS#8 key (PEM, mode 0600). */
    public void writePem(Path chainFile, Path keyFile) throws IOException {
      Files.writeString(chainFile, pem(chain.toArray()));
      Files.writeString(keyFile, pem(privateKey));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** Writes a PKCS#12 bundle (mode 0600) protected by {@code password}. */
    public void writePkcs12(Path file, char[] password)
        throws IOException, GeneralSecurityException {
      try (OutputStream out = Files.newOutputStream(file)) {
        keyStore(password).store(out, password);
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Key managers that present this chain, proving it with the key: for a test TLS server. */
    public KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keyStore(NO_PASSWORD), NO_PASSWORD);
      return factory.getKeyManagers();
    }

    private KeyStore keyStore(char[] password) throws IOException, GeneralSecurityException {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("device", privateKey, password, chain.toArray(new X509Certificate[0]));
      return store;
    }
  }

  /**
   * Every certificate in a PEM file, read by the JDK's own {@link CertificateFactory}: a reader
   * independent of the PEM code under test.
   */
  public static List<X509Certificate> readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      return certificates;
    }
  }

  /** PEM text of certificates or keys. */
  public static String pem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(
            o instanceof PrivateKey
                ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator((PrivateKey) o, null)
                : o);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  static KeyPair keyPair(KeyType type) {
    try {
      KeyPairGenerator generator;
      switch (type) {
        case RSA_2048:
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048, RANDOM);
          break;
        case EC_P384:
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
          break;
        default:
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate selfSign(String commonName, KeyPair keys, boolean ca, int days) {
    return sign(
        commonName, keys.getPublic(), commonName, keys.getPrivate(), ca, anHourAgo(), inDays(days));
  }

  /** An hour ago: a certificate valid from then passes on a clock that is a little behind. */
  private static Instant anHourAgo() {
    return Instant.now().minus(Duration.ofHours(1));
  }

  private static Instant inDays(int days) {
    return Instant.now().plus(Duration.ofDays(days));
  }

  private static X509Certificate sign(
      String subject,
      java.security.PublicKey subjectKey,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Instant notBefore,
      Instant notAfter) {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name(issuer),
              new BigInteger(64, RANDOM).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notAfter),
              name(subject),
              subjectKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.keyUsage,
          true,
          ca
              ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
              : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      String algorithm =
          "EC".equals(issuerKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  // Built from an explicit UTF8String so that tests can also make the over-long CNs (more than the
  // 64 characters RFC 5280 allows) that real devices sometimes carry.
  private static X500Name name(String commonName) {
    return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
  }
}
