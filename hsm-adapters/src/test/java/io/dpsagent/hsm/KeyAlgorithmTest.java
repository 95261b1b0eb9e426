package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class KeyAlgorithmTest {

  @Test
  void aJdkEcKeyIsEcAndSignsWithEcdsa() throws Exception {
    PrivateKey key = ecKey(KeyPairGenerator.getInstance("EC"));

    assertEquals(Optional.of(KeyAlgorithm.EC), KeyAlgorithm.of(key));
    assertEquals("SHA256withECDSA", KeyAlgorithm.certificateSignatureFor(key));
  }

  @Test
  void aBouncyCastleKeyThatCallsItselfEcdsaIsEc() throws Exception {
    PrivateKey key = ecKey(KeyPairGenerator.getInstance("ECDSA", new BouncyCastleProvider()));

    assertEquals("ECDSA", key.getAlgorithm());
    assertEquals(Optional.of(KeyAlgorithm.EC), KeyAlgorithm.of(key));
    assertEquals("EC", KeyAlgorithm.of(key).orElseThrow().jcaName());
  }

  @Test
  void anRsaKeySignsWithRsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey key = generator.generateKeyPair().getPrivate();

    assertEquals(Optional.of(KeyAlgorithm.RSA), KeyAlgorithm.of(key));
    assertEquals("SHA256withRSA", KeyAlgorithm.certificateSignatureFor(key));
  }

  @Test
  void aKeyOfAnotherAlgorithmHasNone() {
    assertEquals(Optional.empty(), KeyAlgorithm.of(new SecretKeySpec(new byte[32], "HmacSHA256")));
  }

  private static PrivateKey ecKey(KeyPairGenerator generator) throws Exception {
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair().getPrivate();
  }
}
