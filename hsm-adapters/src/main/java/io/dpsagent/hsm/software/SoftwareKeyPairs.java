package io.dpsagent.hsm.software;

import io.dpsagent.common.AtomicFiles;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.HsmException.Kind;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;

/**
 * The private key of an operational certificate kept in a file: an EC P-256 key generated into an
 * owner-only PKCS#8 PEM file when the file does not exist yet, or the key the file already holds
 * (EC or RSA, owner-only), with its public half derived from it.
 */
public final class SoftwareKeyPairs {

  private SoftwareKeyPairs() {}

  /**
   * The key pair in {@code file}, generated first when the file is absent.
   *
   * @throws HsmException KEY_SOURCE when the file is unreadable, open to others or holds no
   *     unencrypted EC or RSA private key, or cannot be written
   */
  public static KeyPair readOrGenerate(Path file) throws HsmException {
    if (!Files.exists(file)) {
      return generate(file);
    }
    KeyFiles.requireOwnerOnly(file);
    PrivateKey key;
    try {
      key = Pem.requirePrivateKey(file);
    } catch (IOException e) {
      throw new HsmException(
          Kind.KEY_SOURCE,
          "private key file "
              + file
              + " holds no unencrypted PEM private key; remove it to have"
              + " a new key generated there");
    }
    return new KeyPair(publicKeyOf(key, file), key);
  }

  private static KeyPair generate(Path file) throws HsmException {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 exists in every Java platform", e);
    }
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    try {
      AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
    } catch (IOException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "cannot write the new private key file " + file + ": " + e.getMessage());
    }
    return keys;
  }

  private static PublicKey publicKeyOf(PrivateKey key, Path file) throws HsmException {
    try {
      if (key instanceof ECPrivateKey ec) {
        org.bouncycastle.jce.spec.ECParameterSpec spec = EC5Util.convertSpec(ec.getParams());
        org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(ec.getS()).normalize();
        ECPoint point =
            new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(point, ec.getParams()));
      }
      if (key instanceof RSAPrivateCrtKey rsa) {
        BigInteger exponent = rsa.getPublicExponent();
        return KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), exponent));
      }
    } catch (GeneralSecurityException e) {
      throw new HsmException(Kind.KEY_SOURCE, "private key file " + file + " is unusable");
    }
    throw new HsmException(
        Kind.KEY_SOURCE, "private key file " + file + " holds neither an EC nor an RSA key");
  }
}
