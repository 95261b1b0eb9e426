package io.dpsagent.emulator.tls;

import io.dpsagent.emulator.crypto.CertificateSigner;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A throw-away CA made at start-up, so that the emulator serves real TLS without any key or
 * certificate file on disk.
 */
public final class LocalCertificateAuthority {

  static final String CA_NAME = "CN=dps-emulator local CA";
  // Back-dated so that a client whose clock is a little behind still accepts the certificates.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);

  private final X509Certificate caCertificate;
  private final CertificateSigner signer;

  private LocalCertificateAuthority() throws GeneralSecurityException {
    KeyPair caKeyPair = CertificateSigner.newKeyPair();
    X500Name name = new X500Name(CA_NAME);
    Instant now = Instant.now();
    this.caCertificate =
        CertificateSigner.selfSigning(name, caKeyPair)
            .ca(name, caKeyPair.getPublic(), 0, now.minus(BACKDATE), now.plus(CA_VALIDITY));
    this.signer = CertificateSigner.of(caCertificate, caKeyPair);
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
    KeyPair serverKeyPair = CertificateSigner.newKeyPair();
    Instant now = Instant.now();
    X509Certificate certificate =
        signer.leaf(
            new X500Name("CN=" + hostName),
            serverKeyPair.getPublic(),
            KeyPurposeId.id_kp_serverAuth,
            subjectAlternativeNames(hostName, otherHostNames),
            now.minus(BACKDATE),
            now.plus(SERVER_VALIDITY));
    return new ServerTlsIdentity(serverKeyPair.getPrivate(), List.of(certificate), caCertificate);
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
}
