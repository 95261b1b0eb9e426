package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Timestamps;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The {@code x509} part of an {@code AttestationMechanism}: {@code clientCertificates} on an
 * individual enrollment, {@code signingCertificates} on a group, each {@code { primary: {
 * certificate, info }, secondary? }}. Certificates may be PEM or base64 DER. {@code caReferences}
 * (names of CA certificates uploaded to the DPS instance through the management API, which the data
 * plane cannot upload or verify) are refused: the emulator has no such store.
 */
final class X509Json {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private X509Json() {}

  static ObjectNode certificates(X509Mechanism attestation) {
    ObjectNode json = NODES.objectNode();
    json.set("primary", certificateWithInfo(attestation.primary()));
    attestation.secondary().ifPresent(c -> json.set("secondary", certificateWithInfo(c)));
    return json;
  }

  static X509Mechanism attestation(JsonNode x509, boolean group) throws InvalidRequestException {
    String field = group ? "signingCertificates" : "clientCertificates";
    if (x509.hasNonNull("caReferences")) {
      throw new InvalidRequestException(
          "attestation.x509.caReferences is not supported: the emulator has no store of"
              + " uploaded CA certificates for references to name; give the certificate itself in "
              + field);
    }
    JsonNode certificates = x509.get(field);
    EnrollmentJson.requireObject(certificates, "attestation.x509." + field);
    X509Certificate primary = certificate(certificates.get("primary"), field + ".primary");
    Optional<X509Certificate> secondary = Optional.empty();
    if (certificates.hasNonNull("secondary")) {
      secondary = Optional.of(certificate(certificates.get("secondary"), field + ".secondary"));
    }
    return new X509Mechanism(primary, secondary);
  }

  private static X509Certificate certificate(JsonNode json, String what)
      throws InvalidRequestException {
    EnrollmentJson.requireObject(json, "attestation.x509." + what);
    String text =
        EnrollmentJson.optionalText(json, "certificate")
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "attestation.x509." + what + ".certificate is missing"));
    try {
      byte[] bytes =
          text.contains("-----BEGIN")
              ? text.getBytes(StandardCharsets.US_ASCII)
              : Base64.getMimeDecoder().decode(text);
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
      throw new InvalidRequestException(
          "attestation.x509." + what + ".certificate is not a PEM or base64 DER certificate");
    }
  }

  private static ObjectNode certificateWithInfo(X509Certificate certificate) {
    ObjectNode json = NODES.objectNode();
    json.put("certificate", pem(certificate));
    ObjectNode info = json.putObject("info");
    info.put("subjectName", certificate.getSubjectX500Principal().getName());
    info.put("sha1Thumbprint", thumbprint(certificate, "SHA-1"));
    info.put("sha256Thumbprint", thumbprint(certificate, "SHA-256"));
    info.put("issuerName", certificate.getIssuerX500Principal().getName());
    info.put("notBeforeUtc", Timestamps.format(certificate.getNotBefore().toInstant()));
    info.put("notAfterUtc", Timestamps.format(certificate.getNotAfter().toInstant()));
    info.put("serialNumber", certificate.getSerialNumber().toString(16).toUpperCase());
    info.put("version", certificate.getVersion());
    return json;
  }

  private static String pem(X509Certificate certificate) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded(certificate))
        + "\n-----END CERTIFICATE-----\n";
  }

  private static String thumbprint(X509Certificate certificate, String algorithm) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance(algorithm).digest(encoded(certificate)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is mandatory in every Java platform", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always encodes", e);
    }
  }
}
