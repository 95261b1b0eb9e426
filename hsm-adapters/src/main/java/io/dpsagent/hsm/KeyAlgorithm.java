package io.dpsagent.hsm;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Optional;

/**
 * The two algorithms of device identity keys, and the signature a CSR or certificate made with each
 * carries (always over SHA-256).
 *
 * <p>A key's algorithm is read from its type first: keys parsed while BouncyCastle is registered
 * (TSS.Java registers it) call themselves "ECDSA" where JSSE and SunEC expect "EC". The name is the
 * fallback for token keys that implement neither interface (SunPKCS11's sensitive private keys).
 */
public enum KeyAlgorithm {
  EC,
  RSA;

  /** The algorithm of {@code key}, or empty when it is neither EC nor RSA. */
  public static Optional<KeyAlgorithm> of(Key key) {
    if (key instanceof ECKey) {
      return Optional.of(EC);
    }
    if (key instanceof RSAKey) {
      return Optional.of(RSA);
    }
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> Optional.of(EC);
      case "RSA" -> Optional.of(RSA);
      default -> Optional.empty();
    };
  }

  /**
   * The signature for a CSR or certificate made with {@code key}. Anything but EC is signed as RSA;
   * a key of another algorithm then fails in the signer, which names it.
   */
  public static String certificateSignatureFor(Key key) {
    return of(key).orElse(RSA).certificateSignature();
  }

  /** The JCA name, as TLS, key factories and certificates use it: {@code EC} or {@code RSA}. */
  public String jcaName() {
    return name();
  }

  public String certificateSignature() {
    return switch (this) {
      case EC -> "SHA256withECDSA";
      case RSA -> "SHA256withRSA";
    };
  }
}
