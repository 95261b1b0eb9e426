package io.dpsagent.hsm.pkcs11;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Key pairs a device can generate inside its token for an X.509 identity. */
public enum KeyPairType {
  EC_P256("EC", "SHA256withECDSA", new ECGenParameterSpec("secp256r1")),
  RSA_2048("RSA", "SHA256withRSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));

  private final String algorithm;
  private final String signatureAlgorithm;
  private final AlgorithmParameterSpec parameters;

  KeyPairType(String algorithm, String signatureAlgorithm, AlgorithmParameterSpec parameters) {
    this.algorithm = algorithm;
    this.signatureAlgorithm = signatureAlgorithm;
    this.parameters = parameters;
  }

  String algorithm() {
    return algorithm;
  }

  AlgorithmParameterSpec parameters() {
    return parameters;
  }

  /** The signature a CSR or certificate made with a key of this algorithm ("EC"/"RSA") uses. */
  public static String signatureAlgorithmFor(String keyAlgorithm) {
    return "EC".equals(keyAlgorithm) ? EC_P256.signatureAlgorithm : RSA_2048.signatureAlgorithm;
  }
}
