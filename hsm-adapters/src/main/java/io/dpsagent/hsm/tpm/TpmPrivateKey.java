package io.dpsagent.hsm.tpm;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;

/**
 * A private key that stays in a TPM: no key material, only where it is (the TCTI and the persistent
 * handle). The {@link TpmProvider}'s signatures accept it and sign with TPM2_Sign.
 *
 * <p>It is deliberately not an {@code ECPrivateKey} or {@code RSAPrivateKey}, so the JDK's own
 * providers never take it. The RSA form is an {@link RSAKey} because TLS reads the modulus size to
 * pick a signature scheme.
 */
abstract sealed class TpmPrivateKey implements PrivateKey
    permits TpmPrivateKey.Ecc, TpmPrivateKey.Rsa {

  private final transient TpmKeySigner signer;

  private TpmPrivateKey(TpmKeySigner signer) {
    this.signer = signer;
  }

  static TpmPrivateKey of(TpmKeySigner signer, PublicKey publicKey) {
    return switch (signer.type()) {
      case ECC_P256 -> new Ecc(signer);
      case RSA_2048 -> new Rsa(signer, ((RSAPublicKey) publicKey).getModulus());
    };
  }

  TpmKeySigner signer() {
    return signer;
  }

  @Override
  public String getAlgorithm() {
    return signer.type().algorithm().jcaName();
  }

  /** No encoding: the key cannot be exported. */
  @Override
  public String getFormat() {
    return null;
  }

  @Override
  public byte[] getEncoded() {
    return null;
  }

  @Override
  public String toString() {
    return "TpmPrivateKey[" + signer + "]";
  }

  static final class Ecc extends TpmPrivateKey {
    private Ecc(TpmKeySigner signer) {
      super(signer);
    }
  }

  static final class Rsa extends TpmPrivateKey implements RSAKey {
    private final BigInteger modulus;

    private Rsa(TpmKeySigner signer, BigInteger modulus) {
      super(signer);
      this.modulus = modulus;
    }

    @Override
    public BigInteger getModulus() {
      return modulus;
    }
  }
}
