package io.dpsagent.emulator.device;

import io.dpsagent.emulator.device.WireFormat.X509CertificateInfo;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;

/**
 * Describes certificates as DPS does in {@code X509CertificateInfo}: names as RFC 2253 strings,
 * thumbprints and serial number in upper-case hex (as .NET prints them), dates like every other DPS
 * timestamp.
 */
final class CertificateInfos {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private CertificateInfos() {}

  static X509CertificateInfo of(X509Certificate certificate) {
    return new X509CertificateInfo(
        certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
        thumbprint("SHA-1", certificate),
        thumbprint("SHA-256", certificate),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
        DpsTimestamps.format(certificate.getNotBefore().toInstant()),
        DpsTimestamps.format(certificate.getNotAfter().toInstant()),
        HEX.formatHex(certificate.getSerialNumber().toByteArray()),
        certificate.getVersion());
  }

  private static String thumbprint(String algorithm, X509Certificate certificate) {
    try {
      return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 and SHA-256 exist in every Java platform", e);
    }
  }
}
