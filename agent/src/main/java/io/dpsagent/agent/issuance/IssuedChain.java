package io.dpsagent.agent.issuance;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.common.AtomicFiles;
import io.dpsagent.hsm.Printable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code issuedCertificateChain} of an assignment: read (base64 DER, leaf first), checked to
 * certify the key the CSR was for, and written as one PEM file, atomically.
 */
public final class IssuedChain {

  private final List<X509Certificate> certificates;

  private IssuedChain(List<X509Certificate> certificates) {
    this.certificates = List.copyOf(certificates);
  }

  /**
   * Reads what DPS sent for {@code request}.
   *
   * @param apiVersion named in the message when DPS sent no chain
   * @throws AgentException REFUSED when there is no chain, an entry is not a certificate, or the
   *     leaf certifies another key
   */
  public static IssuedChain read(
      List<String> base64Der, CertificateSigningRequest request, String apiVersion)
      throws AgentException {
    if (base64Der.isEmpty()) {
      throw new AgentException(
          AgentException.Kind.REFUSED,
          "certificate issuance is enabled but DPS assigned the device without an"
              + " issuedCertificateChain (api-version "
              + apiVersion
              + "); set the enrollment for certificate issuance, or disable"
              + " [provisioning.certificate_issuance]");
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (int i = 0; i < base64Der.size(); i++) {
      chain.add(certificate(base64Der.get(i), i));
    }
    if (!chain.get(0).getPublicKey().equals(request.publicKey())) {
      throw new AgentException(
          AgentException.Kind.REFUSED,
          "DPS issued a certificate for another key than certificate_issuance.key; the chain is"
              + " not used");
    }
    return new IssuedChain(chain);
  }

  private static X509Certificate certificate(String base64, int index) throws AgentException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
      throw new AgentException(
          AgentException.Kind.REFUSED,
          "DPS answered with an issuedCertificateChain whose entry "
              + index
              + " is not a base64 DER certificate; the chain is not used");
    }
  }

  /** Leaf first, as DPS sent it. */
  public List<X509Certificate> certificates() {
    return certificates;
  }

  public X509Certificate leaf() {
    return certificates.get(0);
  }

  /** Writes the chain to {@code file} (PEM, leaf first) and describes it for connection.json. */
  public IssuedCertificate write(Path file, Set<PosixFilePermission> mode) throws AgentException {
    try {
      AtomicFiles.write(file, pem().getBytes(StandardCharsets.US_ASCII), mode);
    } catch (IOException e) {
      throw AgentException.config(
          "cannot write the issued certificate to "
              + Printable.quote(file.toString())
              + ": "
              + e.getMessage()
              + "; check certificate_issuance.output and its directory");
    }
    return new IssuedCertificate(
        file,
        fingerprint(leaf()),
        leaf().getNotBefore().toInstant(),
        leaf().getNotAfter().toInstant());
  }

  private String pem() {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate certificate : certificates) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(encoder.encodeToString(encoded(certificate)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return pem.toString();
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(encoded(certificate)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 exists in every Java platform", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate encodes", e);
    }
  }
}
