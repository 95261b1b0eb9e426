package io.dpsagent.emulator.issuance;

import io.dpsagent.emulator.issuance.CsrRejection.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Checks a device's {@code csr} (base64 of a DER PKCS#10 request, no PEM armour): its signature
 * verifies with the key it carries, its subject is exactly {@code CN=<registration ID>}, and the
 * key is EC P-256, EC P-384 or RSA of at least 2048 bits.
 */
public final class CertificateRequests {

  static final int MIN_RSA_BITS = 2048;
  private static final Set<ASN1ObjectIdentifier> CURVES =
      Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);

  private CertificateRequests() {}

  /** The public key of a request that passed every check. */
  public static PublicKey verify(String base64Der, String registrationId) throws CsrRejection {
    JcaPKCS10CertificationRequest request = parse(base64Der);
    PublicKey key;
    try {
      key = request.getPublicKey();
      boolean valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
      if (!valid) {
        throw new CsrRejection(Reason.INVALID, "the CSR's signature does not verify");
      }
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
      throw new CsrRejection(Reason.INVALID, "the CSR's key or signature is unusable");
    }
    checkSubject(request, registrationId);
    checkKey(key);
    return key;
  }

  private static JcaPKCS10CertificationRequest parse(String base64Der) throws CsrRejection {
    try {
      return new JcaPKCS10CertificationRequest(Base64.getDecoder().decode(base64Der.strip()));
    } catch (IllegalArgumentException | IOException | ClassCastException e) {
      throw new CsrRejection(Reason.INVALID, "csr is not base64 DER PKCS#10");
    }
  }

  private static void checkSubject(JcaPKCS10CertificationRequest request, String registrationId)
      throws CsrRejection {
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    if (cns.length != 1
        || !IETFUtils.valueToString(cns[0].getFirst().getValue()).equals(registrationId)) {
      throw new CsrRejection(
          Reason.SUBJECT_MISMATCH, "the CSR's subject CN is not the registration ID");
    }
  }

  private static void checkKey(PublicKey key) throws CsrRejection {
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= MIN_RSA_BITS) {
      return;
    }
    if (key instanceof ECPublicKey && CURVES.contains(curve(key))) {
      return;
    }
    throw new CsrRejection(Reason.KEY_UNSUPPORTED, "the CSR's key type is not accepted");
  }

  private static Object curve(PublicKey key) {
    return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
  }
}
