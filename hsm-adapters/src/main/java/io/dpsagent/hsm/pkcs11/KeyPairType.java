package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.KeyAlgorithm;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Key pairs a device can generate inside its token for an X.509 identity. */
public enum KeyPairType {
  EC_P256,
  RSA_2048;

  KeyAlgorithm algorithm() {
    return switch (this) {
      case EC_P256 -> KeyAlgorithm.EC;
      case RSA_2048 -> KeyAlgorithm.RSA;
    };
  }

  AlgorithmParameterSpec parameters() {
    return switch (this) {
      case EC_P256 -> new ECGenParameterSpec("secp256r1");
      case RSA_2048 -> new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4);
    };
  }
}
