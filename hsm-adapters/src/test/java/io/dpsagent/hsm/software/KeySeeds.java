package io.dpsagent.hsm.software;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Fuzz seeds that are keys, made when the tests run rather than kept in the repository: every
 * encoding the identity loaders accept (PKCS#8, SEC1 and traditional RSA, encrypted PKCS#8, PKCS#12
 * with current and legacy protection), for one EC leaf and one RSA leaf under a test root.
 */
final class KeySeeds {

  static final String PKCS12_PASSWORD = "fuzz";

  private static final TestPki.Issuer ROOT = TestPki.rootCa("Fuzz Seed Root");
  private static final TestPki.Leaf EC = ROOT.leaf("fuzz-ec-leaf", KeyType.EC_P256);
  private static final TestPki.Leaf RSA = ROOT.leaf("fuzz-rsa-leaf", KeyType.RSA_2048);

  private KeySeeds() {}

  /**
   * The EC leaf's certificate chain: leaf alone, then leaf and root. The first fits the EC keys.
   */
  static List<byte[]> chains() {
    return List.of(pem(EC.chain().toArray()), pem(EC.certificate(), ROOT.certificate()));
  }

  /** The EC leaf's key as PKCS#8 and as SEC1 (these load with the first chain), then the rest. */
  static List<byte[]> keys() {
    return List.of(
        pkcs8(EC.privateKey()),
        traditional(EC.privateKey()),
        pkcs8(RSA.privateKey()),
        traditional(RSA.privateKey()),
        encryptedPkcs8(EC.privateKey()));
  }

  /** PKCS#12 bundles of the EC leaf, password {@link #PKCS12_PASSWORD}: current, then legacy. */
  static List<byte[]> bundles() {
    return List.of(pkcs12(null), pkcs12("PBEWithSHA1AndDESede"));
  }

  private static byte[] pkcs8(PrivateKey key) {
    try {
      return pem(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** OpenSSL's traditional forms: SEC1 {@code EC PRIVATE KEY} (curve named inside), PKCS#1 RSA. */
  private static byte[] traditional(PrivateKey key) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      if (!key.getAlgorithm().equals("EC")) {
        return pem(
            new PemObject(
                "RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
      }
      ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      ECPrivateKey sec1 =
          new ECPrivateKey(
              256,
              inner.getKey(),
              inner.getPublicKey(),
              info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encryptedPkcs8(PrivateKey key) {
    try {
      OutputEncryptor encryptor =
          new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_128_CBC)
              .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
              .setPassword(PKCS12_PASSWORD.toCharArray())
              .build();
      return pem(new JcaPKCS8Generator(key, encryptor));
    } catch (org.bouncycastle.operator.OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pkcs12(String protectionAlgorithm) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = PKCS12_PASSWORD.toCharArray();
      KeyStore.ProtectionParameter protection =
          protectionAlgorithm == null
              ? new KeyStore.PasswordProtection(password)
              : new KeyStore.PasswordProtection(password, protectionAlgorithm, null);
      store.setEntry(
          "device",
          new KeyStore.PrivateKeyEntry(EC.privateKey(), EC.chain().toArray(Certificate[]::new)),
          protection);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof PemObjectGenerator generator) {
          writer.writeObject(generator);
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
