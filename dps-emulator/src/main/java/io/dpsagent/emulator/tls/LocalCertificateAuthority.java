package io.dpsagent.emulator.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA made at start-up, so that the emulator serves real TLS without any key or
 * certificate file on disk. Keys are EC P-256 from the JDK's own providers; BouncyCastle only
 * assembles the certificates.
 */
public final class LocalCertificateAuthority {

  static final String CA_NAME = "CN=dps-emulator local CA";
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  // Back-dated so that a client whose clock is a little behind still accepts the certificates.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);

  private final SecureRandom random = new SecureRandom();
  private final KeyPair caKeyPair;
  private final X509Certificate caCertificate;

  private LocalCertificateAuthority() throws GeneralSecurityException {
    this.caKeyPair = newKeyPair();
    this.caCertificate = selfSign();
  }

  public static LocalCertificateAuthority create() throws GeneralSecurityException {
    return new LocalCertificateAuthority();
  }

  public X509Certificate certificate() {
    return caCertificate;
  }

  /**
   * Issues a server certificate valid for {@code hostName} (its CN), {@code otherHostNames}, {@code
   * localhost}, 127.0.0.1 and ::1. Its private key exists only in the returned object.
   */
  public ServerTlsIdentity issueServerIdentity(String hostName, String... otherHostNames)
      throws GeneralSecurityException {
    KeyPair serverKeyPair = newKeyPair();
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            caCertificate,
            serialNumber(),
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(SERVER_VALIDITY)),
            new X500Name("CN=" + hostName),
            serverKeyPair.getPublic());
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(
              Extension.subjectAlternativeName,
              false,
              subjectAlternativeNames(hostName, otherHostNames))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(serverKeyPair.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(caCertificate));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode certificate extensions", e);
    }
    X509Certificate certificate = sign(builder);
    return new ServerTlsIdentity(serverKeyPair.getPrivate(), List.of(certificate), caCertificate);
  }

  private X509Certificate selfSign() throws GeneralSecurityException {
    Instant now = Instant.now();
    X500Name name = new X500Name(CA_NAME);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serialNumber(),
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(CA_VALIDITY)),
            name,
            caKeyPair.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeyPair.getPublic()));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode certificate extensions", e);
    }
    return sign(builder);
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(caKeyPair.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign certificate", e);
    }
  }

  private static GeneralNames subjectAlternativeNames(String hostName, String... otherHostNames) {
    Set<GeneralName> names = new LinkedHashSet<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    names.add(hostNameEntry(hostName));
    for (String other : otherHostNames) {
      names.add(hostNameEntry(other));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static GeneralName hostNameEntry(String hostName) {
    return new GeneralName(
        isIpLiteral(hostName) ? GeneralName.iPAddress : GeneralName.dNSName, hostName);
  }

  private static boolean isIpLiteral(String hostName) {
    return hostName.contains(":") || hostName.matches("[0-9.]+");
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
