package io.dpsagent.hsm.pem;

import io.dpsagent.hsm.KeyAlgorithm;
import io.dpsagent.hsm.pem.Pem.MalformedPemException;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The private keys the JDK cannot read itself: OpenSSL's traditional forms (SEC1 {@code EC PRIVATE
 * KEY}, PKCS#1 {@code RSA PRIVATE KEY}, {@code DSA PRIVATE KEY}) and PKCS#8 keys of an algorithm
 * {@link Der} does not name. The only class of the reader that touches BouncyCastle, so a run that
 * reads certificates or a plain PKCS#8 key never loads it.
 */
final class BouncyCastleKeys {

  private BouncyCastleKeys() {}

  /** The key of one unencrypted block, as a JDK key object. */
  static PrivateKey read(PemBlock block) throws IOException, GeneralSecurityException {
    Object item;
    try (PEMParser parser = new PEMParser(new StringReader(block.text()))) {
      item = parser.readObject();
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new MalformedPemException(e);
    }
    if (item instanceof PrivateKeyInfo info) {
      return jdkKey(info);
    }
    if (item instanceof PEMKeyPair pair) {
      return jdkKey(pair.getPrivateKeyInfo());
    }
    throw new InvalidKeySpecException("not a private key");
  }

  /**
   * The same key as a JDK key object. Once BouncyCastle is registered (TSS.Java registers it), the
   * PEM converter returns BouncyCastle keys that call themselves "ECDSA"; JSSE and SunEC expect the
   * JDK's own "EC" keys.
   */
  private static PrivateKey jdkKey(PrivateKeyInfo info)
      throws IOException, GeneralSecurityException {
    PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
    String algorithm = KeyAlgorithm.of(key).map(KeyAlgorithm::jcaName).orElse(key.getAlgorithm());
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
  }
}
