package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * SHA-256 signatures by a {@link TpmPrivateKey}: the digest is computed here, the signature inside
 * the TPM. Signing only; verification is the JDK's job with the public key.
 */
abstract class TpmSignatureSpi extends SignatureSpi {

  /** The one RSA-PSS form signed here: what TLS 1.3's rsa_pss_rsae_sha256 asks for. */
  static final PSSParameterSpec PSS_SHA256 =
      new PSSParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, TpmKeySigner.SHA256_LENGTH, 1);

  private final TpmKeyType keyType;
  private final MessageDigest digest = sha256();
  private TpmKeySigner signer;

  private TpmSignatureSpi(TpmKeyType keyType) {
    this.keyType = keyType;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The TPM scheme, once the parameters (if any) are known. */
  abstract TpmKeySigner.Scheme scheme() throws SignatureException;

  @Override
  protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
    if (!(key instanceof TpmPrivateKey tpmKey) || tpmKey.signer().type() != keyType) {
      throw new InvalidKeyException("not a " + keyType + " key in a TPM");
    }
    signer = tpmKey.signer();
    digest.reset();
  }

  @Override
  protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
    throw new InvalidKeyException("TPM signatures are verified with the public key elsewhere");
  }

  @Override
  protected void engineUpdate(byte b) {
    digest.update(b);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) {
    digest.update(b, off, len);
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    if (signer == null) {
      throw new SignatureException("not initialised for signing");
    }
    TpmKeySigner.Scheme scheme = scheme();
    try {
      return signer.sign(digest.digest(), scheme);
    } catch (HsmException e) {
      throw new SignatureException(e.getMessage(), e);
    }
  }

  @Override
  protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
    throw new SignatureException("TPM signatures are verified with the public key elsewhere");
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new UnsupportedOperationException();
  }

  /** SHA256withECDSA; DER-encoded (r, s). */
  static final class Ecdsa extends TpmSignatureSpi {
    Ecdsa() {
      super(TpmKeyType.ECC_P256);
    }

    @Override
    TpmKeySigner.Scheme scheme() {
      return TpmKeySigner.Scheme.ECDSA;
    }
  }

  /** SHA256withRSA (PKCS #1 v1.5). */
  static final class RsaPkcs1 extends TpmSignatureSpi {
    RsaPkcs1() {
      super(TpmKeyType.RSA_2048);
    }

    @Override
    TpmKeySigner.Scheme scheme() {
      return TpmKeySigner.Scheme.RSASSA_PKCS1_V1_5;
    }
  }

  /** RSASSA-PSS, only with SHA-256, MGF1-SHA-256 and a 32-byte salt ({@link #PSS_SHA256}). */
  static final class RsaPss extends TpmSignatureSpi {
    private boolean parametersSet;

    RsaPss() {
      super(TpmKeyType.RSA_2048);
    }

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params)
        throws InvalidAlgorithmParameterException {
      if (!(params instanceof PSSParameterSpec pss) || !samePss(pss)) {
        throw new InvalidAlgorithmParameterException(
            "a TPM signs RSA-PSS only with SHA-256, MGF1-SHA-256 and a 32-byte salt");
      }
      parametersSet = true;
    }

    private static boolean samePss(PSSParameterSpec pss) {
      return "SHA-256".equalsIgnoreCase(pss.getDigestAlgorithm())
          && "MGF1".equalsIgnoreCase(pss.getMGFAlgorithm())
          && pss.getMGFParameters() instanceof MGF1ParameterSpec mgf
          && "SHA-256".equalsIgnoreCase(mgf.getDigestAlgorithm())
          && pss.getSaltLength() == TpmKeySigner.SHA256_LENGTH
          && pss.getTrailerField() == 1;
    }

    @Override
    TpmKeySigner.Scheme scheme() throws SignatureException {
      if (!parametersSet) {
        throw new SignatureException("RSASSA-PSS needs its parameters (SHA-256, salt 32)");
      }
      return TpmKeySigner.Scheme.RSASSA_PSS;
    }
  }
}
