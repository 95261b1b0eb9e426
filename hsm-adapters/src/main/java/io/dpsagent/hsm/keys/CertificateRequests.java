package io.dpsagent.hsm.keys;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyAlgorithm;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.KeyPairType;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception;
import io.dpsagent.hsm.pkcs11.Pkcs11FactorySteps;
import io.dpsagent.hsm.software.SoftwareKeyPairs;
import io.dpsagent.hsm.tpm.TpmKeyType;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 requests for the key an operational certificate is issued for, signed where the key
 * lives: a file (EC P-256, generated when the file is absent), a PKCS#11 token (an EC P-256 key
 * pair generated in the token when absent) or the TPM (an ECC P-256 signing key created under the
 * SRK and persisted when absent). The private key never leaves its home.
 */
public final class CertificateRequests {

  /**
   * A signed request.
   *
   * @param der the DER PKCS#10 request
   * @param publicKey the key it asks a certificate for
   * @param generated whether the key was made for this request
   */
  public record Request(byte[] der, PublicKey publicKey, boolean generated) {}

  private CertificateRequests() {}

  /** A request for {@code subjectDn} (e.g. {@code CN=<registration id>}) signed by {@code key}. */
  public static Request of(KeyUri key, String subjectDn, KeyOptions options) throws HsmException {
    key.warnings().forEach(options.warnings());
    return switch (key.scheme()) {
      case FILE -> software(key, subjectDn);
      case PKCS11 -> token(key, subjectDn, options);
      case TPM -> tpm(key, subjectDn, options);
    };
  }

  private static Request software(KeyUri key, String subjectDn) throws HsmException {
    boolean generated = !Files.exists(key.path());
    KeyPair keys = SoftwareKeyPairs.readOrGenerate(key.path());
    String algorithm = KeyAlgorithm.certificateSignatureFor(keys.getPrivate());
    try {
      byte[] der =
          new JcaPKCS10CertificationRequestBuilder(new X500Principal(subjectDn), keys.getPublic())
              .build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()))
              .getEncoded();
      return new Request(der, keys.getPublic(), generated);
    } catch (OperatorCreationException | IOException e) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE, "cannot sign a certificate request with " + key);
    }
  }

  private static Request token(KeyUri key, String subjectDn, KeyOptions options)
      throws HsmException {
    Pkcs11FactorySteps token =
        Pkcs11FactorySteps.open(key.pkcs11(), options.pkcs11Module().orElse(null));
    boolean generated = false;
    String pem;
    try {
      pem = token.csr(key.pkcs11(), subjectDn);
    } catch (Pkcs11Exception e) {
      if (e.pkcs11Kind() != Pkcs11Exception.Kind.OBJECT_NOT_FOUND) {
        throw e;
      }
      token.generateKeyPair(key.pkcs11(), KeyPairType.EC_P256);
      generated = true;
      pem = token.csr(key.pkcs11(), subjectDn);
    }
    return request(pem, generated, key);
  }

  private static Request tpm(KeyUri key, String subjectDn, KeyOptions options) throws HsmException {
    int handle = key.tpm().handle();
    boolean generated = false;
    if (TpmSigningKeys.find(options.tpmTcti(), options.tpmTimeouts(), handle).isEmpty()) {
      TpmSigningKeys.create(
          options.tpmTcti(),
          options.tpmSettings(),
          options.tpmTimeouts(),
          handle,
          TpmKeyType.ECC_P256);
      generated = true;
    }
    String pem = TpmSigningKeys.csr(options.tpmTcti(), options.tpmTimeouts(), handle, subjectDn);
    return request(pem, generated, key);
  }

  private static Request request(String pem, boolean generated, KeyUri key) throws HsmException {
    String body =
        pem.replace("-----BEGIN CERTIFICATE REQUEST-----", "")
            .replace("-----END CERTIFICATE REQUEST-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(body);
      return new Request(der, new JcaPKCS10CertificationRequest(der).getPublicKey(), generated);
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      throw new HsmException(
          HsmException.Kind.DEVICE, "the certificate request signed by " + key + " is unreadable");
    }
  }
}
