package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.KeyAlgorithm;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.Pkcs11Uri.ObjectType;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception.Kind;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The factory steps that put a device's secrets into its token once, so that they never sit on
 * disk: import a symmetric key, generate a key pair, sign a CSR with it, import the issued chain.
 *
 * <p>A private key is visible through SunPKCS11 only with a certificate next to it, which is why
 * {@link #generateKeyPair} stores a self-signed placeholder at once and {@link #importCertificate}
 * replaces it. Every key stored here is sensitive and never extractable.
 */
public final class Pkcs11FactorySteps {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pkcs11Token token;
  private final TokenObjects objects;

  Pkcs11FactorySteps(Pkcs11Token token) {
    this.token = token;
    this.objects = token.objects();
  }

  /** Logs in to the token {@code uri} names, as {@link Pkcs11Token#open} does. */
  public static Pkcs11FactorySteps open(Pkcs11Uri uri, String defaultModulePath)
      throws Pkcs11Exception {
    return new Pkcs11FactorySteps(Pkcs11Token.open(uri, defaultModulePath));
  }

  /**
   * Stores a symmetric key (a device or enrollment-group key) in the token once, as a sensitive,
   * non-extractable token object labelled {@code object=}. {@code keyBytes} is wiped, also on
   * failure.
   */
  public void importSecretKey(Pkcs11Uri keyUri, byte[] keyBytes) throws Pkcs11Exception {
    try {
      String label = objects.newLabel(keyUri, ObjectType.SECRET_KEY);
      if (keyBytes.length == 0) {
        throw new IllegalArgumentException("symmetric key for " + keyUri + " is empty");
      }
      SecretKeySpec spec = new SecretKeySpec(keyBytes, "GENERIC");
      objects.keyStore().setEntry(label, new KeyStore.SecretKeyEntry(spec), null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot store " + keyUri + ": " + refusal(e));
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
    objects.secretKey(keyUri); // proves the stored key is found and unreadable
  }

  /**
   * Generates a key pair inside the token and labels it {@code object=}. The private key is
   * sensitive and never extractable. A self-signed placeholder certificate ({@code CN=<label>}) is
   * stored with it so the key stays reachable until {@link #importCertificate} replaces it.
   *
   * @return the public key
   */
  public PublicKey generateKeyPair(Pkcs11Uri keyUri, KeyPairType type) throws Pkcs11Exception {
    String label = objects.newLabel(keyUri, ObjectType.PRIVATE);
    try {
      KeyPairGenerator generator =
          KeyPairGenerator.getInstance(type.algorithm().jcaName(), token.provider());
      generator.initialize(type.parameters(), RANDOM);
      KeyPair keys = generator.generateKeyPair();
      X509Certificate placeholder = selfSigned(keys, label);
      objects
          .keyStore()
          .setKeyEntry(label, keys.getPrivate(), null, new Certificate[] {placeholder});
      return keys.getPublic();
    } catch (NoSuchAlgorithmException e) {
      throw new Pkcs11Exception(
          Kind.MECHANISM_UNSUPPORTED,
          "the token of " + keyUri + " cannot generate " + type + " key pairs");
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR,
          "cannot generate a " + type + " key pair for " + keyUri + ": " + e.getMessage());
    }
  }

  /**
   * A PKCS#10 certificate signing request for the token's private key, signed in the token.
   *
   * @param subjectDn the requested subject, e.g. {@code CN=my-device-01}
   * @return the CSR in PEM ({@code -----BEGIN CERTIFICATE REQUEST-----})
   */
  public String csr(Pkcs11Uri keyUri, String subjectDn) throws Pkcs11Exception {
    PrivateKey key = objects.privateKey(keyUri);
    PublicKey publicKey = objects.chain(keyUri).get(0).getPublicKey();
    X500Principal subject = new X500Principal(subjectDn);
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(
          new JcaPKCS10CertificationRequestBuilder(subject, publicKey).build(signer(key, keyUri)));
    } catch (IOException e) {
      throw new IllegalStateException(e); // writing to memory
    }
    return pem.toString();
  }

  /**
   * Stores an issued chain (leaf first) next to the token's private key, replacing the certificate
   * there (e.g. the placeholder of {@link #generateKeyPair}).
   *
   * @throws Pkcs11Exception {@link Kind#OBJECT_UNFIT} if the leaf certifies another key
   */
  public void importCertificate(Pkcs11Uri keyUri, List<X509Certificate> chain)
      throws Pkcs11Exception {
    PrivateKey key = objects.privateKey(keyUri);
    objects.requireSameKey(keyUri, chain);
    try {
      objects
          .keyStore()
          .setKeyEntry(
              objects.alias(keyUri, ObjectType.PRIVATE),
              key,
              null,
              chain.toArray(new Certificate[0]));
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR,
          "cannot store the certificate chain for " + keyUri + ": " + e.getMessage());
    }
  }

  /**
   * Destroys the key pair {@code object=} labels (a retired or unused certificate key): the private
   * key and the certificates stored with it (SunPKCS11 stores no public key object for a pair it
   * generates).
   *
   * @return false when the token holds no such pair
   */
  public boolean destroyKeyPair(Pkcs11Uri keyUri) throws Pkcs11Exception {
    String alias;
    try {
      alias = objects.alias(keyUri, ObjectType.PRIVATE);
    } catch (Pkcs11Exception e) {
      if (e.pkcs11Kind() == Kind.OBJECT_NOT_FOUND) {
        return false;
      }
      throw e;
    }
    try {
      objects.keyStore().deleteEntry(alias);
      return true;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR, "cannot destroy the key pair " + keyUri + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Pkcs11FactorySteps[" + token + "]";
  }

  private ContentSigner signer(PrivateKey key, Pkcs11Uri keyUri) throws Pkcs11Exception {
    try {
      return new JcaContentSignerBuilder(KeyAlgorithm.certificateSignatureFor(key))
          .setProvider(token.provider())
          .build(key);
    } catch (OperatorCreationException e) {
      throw new Pkcs11Exception(
          Kind.MECHANISM_UNSUPPORTED,
          "the token of "
              + keyUri
              + " cannot sign with "
              + key.getAlgorithm()
              + ": "
              + e.getMessage());
    }
  }

  private X509Certificate selfSigned(KeyPair keys, String label) throws GeneralSecurityException {
    // Built attribute by attribute: a label may hold characters that DN strings must escape.
    X500Name name = new X500NameBuilder().addRDN(BCStyle.CN, label).build();
    Instant now = Instant.now();
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder(KeyAlgorithm.certificateSignatureFor(keys.getPrivate()))
              .setProvider(token.provider())
              .build(keys.getPrivate());
      return new JcaX509CertificateConverter()
          .getCertificate(
              new JcaX509v3CertificateBuilder(
                      name,
                      new BigInteger(64, RANDOM).add(BigInteger.ONE),
                      Date.from(now.minus(Duration.ofMinutes(5))),
                      Date.from(now.plus(Duration.ofDays(365))),
                      name,
                      keys.getPublic())
                  .build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(
          "cannot sign the placeholder certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Some modules cannot create a secret key object at all (tpm2-pkcs11 creates only certificates,
   * data objects and RSA public keys); they import keys with a tool of their own.
   */
  private static String refusal(Exception e) {
    return ReturnCodes.of(e)
        .map(
            rv ->
                "the module refused to create the secret key ("
                    + rv
                    + "); if it cannot create secret keys, import the key with the module's own"
                    + " tool (tpm2-pkcs11: tpm2_ptool import --algorithm hmac:sha256)")
        .orElse(e.getMessage());
  }
}
