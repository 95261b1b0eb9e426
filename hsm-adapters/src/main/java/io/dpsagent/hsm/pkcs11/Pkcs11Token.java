package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception.Kind;
import io.dpsagent.hsm.Pkcs11Uri.ObjectType;
import io.dpsagent.hsm.software.KeyFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.login.FailedLoginException;
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
 * A PKCS#11 token, found by the token attributes of a URI and logged in with its user PIN.
 *
 * <p>{@link #open} makes exactly one login attempt: a wrong PIN is reported at once as
 * {@link Kind#WRONG_PIN} and never retried, since tokens lock the PIN after a few failures.
 *
 * <p>Objects are reached through SunPKCS11's KeyStore, where an alias is a CKA_LABEL. Two
 * consequences: a secret key must be named by {@code object=}; a private key is visible only when a
 * certificate with the same CKA_ID sits next to it, which is why {@link #generateKeyPair} stores a
 * self-signed placeholder certificate at once and {@link #importCertificate} replaces it. SunPKCS11
 * sets the CKA_ID of keys it stores to the UTF-8 bytes of the label, so {@code id=} finds them too.
 *
 * <p>Every key this class stores or uses has an unreadable value (CKA_SENSITIVE true or
 * CKA_EXTRACTABLE false); a key whose value can be read is refused as {@link Kind#OBJECT_UNFIT}.
 */
public final class Pkcs11Token {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TokenInfo info;
  private final Provider provider;
  private final KeyStore keyStore;

  private Pkcs11Token(TokenInfo info, Provider provider, KeyStore keyStore) {
    this.info = info;
    this.provider = provider;
    this.keyStore = keyStore;
  }

  /**
   * Finds the token a URI names and logs in once with the URI's PIN.
   *
   * @param uri names the token (token, serial, manufacturer, model or slot-id; with none, the
   *     module's only token), the module ({@code module-path}) and the PIN
   * @param defaultModulePath the module when the URI has no {@code module-path} (config
   *     {@code pkcs11.module}), or null
   */
  public static Pkcs11Token open(Pkcs11Uri uri, String defaultModulePath) throws Pkcs11Exception {
    String module = uri.modulePath() != null ? uri.modulePath() : defaultModulePath;
    if (module == null || module.isBlank()) {
      throw new Pkcs11Exception(Kind.MODULE_NOT_FOUND, "no PKCS#11 module for " + uri
          + ": add module-path=/path/to/module.so to the URI or set pkcs11.module");
    }
    TokenInfo token = findToken(uri, module);
    if (token.userPinLocked()) {
      throw new Pkcs11Exception(Kind.PIN_LOCKED, "the user PIN of token '" + token.label()
          + "' is locked (" + uri + "); the security officer must unlock it");
    }
    Provider provider;
    try {
      provider = SunPkcs11Providers.forSlot(module, token.slotId());
    } catch (ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot use token '" + token.label() + "' of " + uri
          + ": " + SunPkcs11Providers.reason(e));
    }
    return new Pkcs11Token(token, provider, login(uri, module, token, provider));
  }

  /** The token as it described itself when opened. */
  public TokenInfo info() {
    return info;
  }

  /** The SunPKCS11 provider bound to this token's slot (registered last in java.security.Security). */
  public Provider provider() {
    return provider;
  }

  /** HMAC-SHA256 inside the token with the secret key {@code object=} names. */
  public SasSigner sasSigner(Pkcs11Uri keyUri) throws Pkcs11Exception {
    return new Pkcs11SasSigner(provider, secretKey(keyUri), keyUri);
  }

  /**
   * Stores a symmetric key (a device or enrollment-group key) in the token once, as a sensitive,
   * non-extractable token object labelled {@code object=}. {@code keyBytes} is wiped, also on
   * failure.
   */
  public void importSecretKey(Pkcs11Uri keyUri, byte[] keyBytes) throws Pkcs11Exception {
    try {
      String label = newLabel(keyUri, ObjectType.SECRET_KEY);
      if (keyBytes.length == 0) {
        throw new IllegalArgumentException("symmetric key for " + keyUri + " is empty");
      }
      SecretKeySpec spec = new SecretKeySpec(keyBytes, "GENERIC");
      keyStore.setEntry(label, new KeyStore.SecretKeyEntry(spec), null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot store " + keyUri + ": " + e.getMessage());
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
    secretKey(keyUri); // proves the stored key is found and unreadable
  }

  /**
   * Generates a key pair inside the token and labels it {@code object=}. The private key is
   * sensitive and never extractable. A self-signed placeholder certificate ({@code CN=<label>}) is
   * stored with it so the key stays reachable until {@link #importCertificate} replaces it.
   *
   * @return the public key
   */
  public PublicKey generateKeyPair(Pkcs11Uri keyUri, KeyPairType type) throws Pkcs11Exception {
    String label = newLabel(keyUri, ObjectType.PRIVATE);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type.algorithm(), provider);
      generator.initialize(type.parameters(), RANDOM);
      KeyPair keys = generator.generateKeyPair();
      X509Certificate placeholder = selfSigned(keys, label);
      keyStore.setKeyEntry(label, keys.getPrivate(), null, new Certificate[] {placeholder});
      return keys.getPublic();
    } catch (NoSuchAlgorithmException e) {
      throw new Pkcs11Exception(Kind.MECHANISM_UNSUPPORTED,
          "the token of " + keyUri + " cannot generate " + type + " key pairs");
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR,
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
    PrivateKey key = privateKey(keyUri);
    PublicKey publicKey = tokenChain(keyUri).get(0).getPublicKey();
    X500Principal subject = new X500Principal(subjectDn);
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new JcaPKCS10CertificationRequestBuilder(subject, publicKey).build(signer(key, keyUri)));
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
  public void importCertificate(Pkcs11Uri keyUri, List<X509Certificate> chain) throws Pkcs11Exception {
    PrivateKey key = privateKey(keyUri);
    requireSameKey(keyUri, chain);
    try {
      keyStore.setKeyEntry(alias(keyUri, ObjectType.PRIVATE), key, null, chain.toArray(new Certificate[0]));
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR,
          "cannot store the certificate chain for " + keyUri + ": " + e.getMessage());
    }
  }

  /** A TLS client identity with the token's private key and the chain stored next to it. */
  public TlsIdentity tlsIdentity(Pkcs11Uri keyUri) throws Pkcs11Exception {
    List<X509Certificate> chain = new ArrayList<>(tokenChain(keyUri));
    // TLS clients send the chain up to, not including, the trust anchor.
    while (chain.size() > 1 && isSelfSigned(chain.get(chain.size() - 1))) {
      chain.remove(chain.size() - 1);
    }
    return new Pkcs11TlsIdentity(privateKey(keyUri), chain, keyUri);
  }

  /**
   * A TLS client identity with the token's private key and a chain from elsewhere (e.g. a PEM file
   * read with {@code SoftwareTlsIdentity.readChain}); its leaf must certify the token's key.
   */
  public TlsIdentity tlsIdentity(Pkcs11Uri keyUri, List<X509Certificate> chain) throws Pkcs11Exception {
    PrivateKey key = privateKey(keyUri);
    requireSameKey(keyUri, chain);
    return new Pkcs11TlsIdentity(key, chain, keyUri);
  }

  /**
   * True when the key's value cannot be read from the token: SunPKCS11 gives an encoding only for
   * keys that are neither sensitive nor non-extractable (CKA_VALUE readable).
   */
  public static boolean isValueHidden(Key key) {
    return key.getEncoded() == null;
  }

  @Override
  public String toString() {
    return "Pkcs11Token[" + info.label() + ", slot " + info.slotId() + "]";
  }

  private static TokenInfo findToken(Pkcs11Uri uri, String module) throws Pkcs11Exception {
    List<TokenInfo> tokens = Pkcs11Module.tokens(module);
    List<TokenInfo> matches = tokens.stream().filter(t -> t.matches(uri)).collect(Collectors.toList());
    String present = tokens.stream().filter(TokenInfo::initialized)
        .map(t -> "'" + t.label() + "'").collect(Collectors.joining(", "));
    if (matches.isEmpty()) {
      throw new Pkcs11Exception(Kind.TOKEN_NOT_FOUND, "no token matches " + uri + " in module " + module
          + (present.isEmpty() ? " (it has no initialised token)" : " (tokens present: " + present + ")"));
    }
    if (matches.size() > 1) {
      throw new Pkcs11Exception(Kind.TOKEN_NOT_FOUND, "several tokens match " + uri + " in module "
          + module + " (" + present + "); name one with token= or serial=");
    }
    return matches.get(0);
  }

  private static KeyStore login(Pkcs11Uri uri, String module, TokenInfo token, Provider provider)
      throws Pkcs11Exception {
    char[] pin = pin(uri);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, pin); // the one C_Login
      return keyStore;
    } catch (IOException e) {
      throw loginFailure(uri, module, token, e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot open token '" + token.label() + "' of " + uri
          + ": " + e.getMessage());
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static Pkcs11Exception loginFailure(Pkcs11Uri uri, String module, TokenInfo token, IOException e) {
    String trace = causes(e);
    if (trace.contains("CKR_PIN_LOCKED")) {
      return new Pkcs11Exception(Kind.PIN_LOCKED, "the user PIN of token '" + token.label()
          + "' is locked (" + uri + "); the security officer must unlock it");
    }
    if (trace.contains(FailedLoginException.class.getName()) || trace.contains("CKR_PIN_INCORRECT")
        || trace.contains("CKR_PIN_LEN_RANGE")) {
      String after = lockState(module, token);
      return new Pkcs11Exception(Kind.WRONG_PIN, "token '" + token.label() + "' refused the PIN of " + uri
          + " (one attempt, not retried" + after + ")");
    }
    return new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot log in to token '" + token.label() + "' of " + uri
        + ": " + trace);
  }

  /** After a refused PIN, says whether the token now locks or is about to. */
  private static String lockState(String module, TokenInfo token) {
    try {
      for (TokenInfo now : Pkcs11Module.tokens(module)) {
        if (now.slotId() == token.slotId()) {
          return now.userPinLocked() ? "; the user PIN is now locked"
              : now.userPinFinalTry() ? "; one more wrong PIN locks it" : "";
        }
      }
    } catch (Pkcs11Exception e) {
      // the refusal is what matters
    }
    return "";
  }

  private static String causes(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(s.length() == 0 ? "" : " <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return s.toString();
  }

  private static char[] pin(Pkcs11Uri uri) throws Pkcs11Exception {
    if (uri.pinValue() != null) {
      return uri.pinValue().toCharArray();
    }
    if (uri.pinSource() == null) {
      throw new Pkcs11Exception(Kind.PIN_UNAVAILABLE, "no PIN for " + uri
          + ": add pin-source=file:/path/to/pin (an owner-only file) to the URI");
    }
    String text;
    try {
      text = KeyFiles.readSecretText(uri.pinSource());
    } catch (HsmException e) {
      throw new Pkcs11Exception(Kind.PIN_UNAVAILABLE, e.getMessage() + " (PIN file of " + uri + ")");
    }
    String pin = text.lines().findFirst().orElse("");
    if (pin.isEmpty()) {
      throw new Pkcs11Exception(Kind.PIN_UNAVAILABLE, "PIN file " + uri.pinSource() + " is empty (" + uri + ")");
    }
    return pin.toCharArray();
  }

  private SecretKey secretKey(Pkcs11Uri keyUri) throws Pkcs11Exception {
    String alias = alias(keyUri, ObjectType.SECRET_KEY);
    Key key = key(alias, keyUri);
    if (!(key instanceof SecretKey secret)) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, keyUri + " is not a secret key");
    }
    return requireHidden(secret, keyUri);
  }

  private PrivateKey privateKey(Pkcs11Uri keyUri) throws Pkcs11Exception {
    String alias = alias(keyUri, ObjectType.PRIVATE);
    Key key = key(alias, keyUri);
    if (!(key instanceof PrivateKey priv)) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, keyUri + " is not a private key");
    }
    return requireHidden(priv, keyUri);
  }

  private Key key(String alias, Pkcs11Uri keyUri) throws Pkcs11Exception {
    try {
      return keyStore.getKey(alias, null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot read " + keyUri + ": " + e.getMessage());
    }
  }

  private static <K extends Key> K requireHidden(K key, Pkcs11Uri keyUri) throws Pkcs11Exception {
    if (!isValueHidden(key)) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, "key " + keyUri + " can be read out of the token"
          + " (CKA_SENSITIVE false and CKA_EXTRACTABLE true); create it again as sensitive");
    }
    return key;
  }

  private List<X509Certificate> tokenChain(Pkcs11Uri keyUri) throws Pkcs11Exception {
    try {
      Certificate[] chain = keyStore.getCertificateChain(alias(keyUri, ObjectType.PRIVATE));
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        certs.add((X509Certificate) c);
      }
      return certs;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot read the certificates of " + keyUri + ": " + e.getMessage());
    }
  }

  /** The KeyStore alias of the object the URI names, which must exist with the wanted class. */
  private String alias(Pkcs11Uri keyUri, ObjectType wanted) throws Pkcs11Exception {
    requireType(keyUri, wanted);
    Class<? extends KeyStore.Entry> entryClass = wanted == ObjectType.SECRET_KEY
        ? KeyStore.SecretKeyEntry.class : KeyStore.PrivateKeyEntry.class;
    try {
      for (String candidate : aliasCandidates(keyUri, wanted)) {
        if (keyStore.containsAlias(candidate) && keyStore.entryInstanceOf(candidate, entryClass)) {
          return candidate;
        }
      }
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot search token '" + info.label() + "' for "
          + keyUri + ": " + e.getMessage());
    }
    throw new Pkcs11Exception(Kind.OBJECT_NOT_FOUND, "token '" + info.label() + "' has no "
        + (wanted == ObjectType.SECRET_KEY ? "secret key" : "private key with a certificate") + " " + keyUri);
  }

  private List<String> aliasCandidates(Pkcs11Uri keyUri, ObjectType wanted) throws Pkcs11Exception {
    if (keyUri.object() != null) {
      return List.of(keyUri.object());
    }
    if (keyUri.id() == null || wanted == ObjectType.SECRET_KEY) {
      throw new Pkcs11Exception(Kind.OBJECT_NOT_FOUND, keyUri + " names no "
          + (wanted == ObjectType.SECRET_KEY ? "label; add object=<label>" : "object; add object=<label> or id=<bytes>"));
    }
    // Without a label, SunPKCS11 names a key entry after its CKA_ID: as text when printable, else hex.
    byte[] id = keyUri.id();
    StringBuilder hex = new StringBuilder("0x");
    for (byte b : id) {
      hex.append(String.format("%02x", b & 0xff));
    }
    return List.of(new String(id, java.nio.charset.StandardCharsets.UTF_8), hex.toString());
  }

  /** A label for a new object, which must not exist yet: keys are stored once, never replaced. */
  private String newLabel(Pkcs11Uri keyUri, ObjectType type) throws Pkcs11Exception {
    requireType(keyUri, type);
    if (keyUri.object() == null) {
      throw new Pkcs11Exception(Kind.OBJECT_NOT_FOUND, keyUri + " names no label for the new key; add object=<label>");
    }
    try {
      if (keyStore.containsAlias(keyUri.object())) {
        throw new Pkcs11Exception(Kind.OBJECT_EXISTS, "token '" + info.label() + "' already holds "
            + keyUri.object() + " (" + keyUri + "); delete it first or choose another label");
      }
    } catch (GeneralSecurityException e) {
      throw new Pkcs11Exception(Kind.TOKEN_ERROR, "cannot search token for " + keyUri + ": " + e.getMessage());
    }
    return keyUri.object();
  }

  private static void requireType(Pkcs11Uri keyUri, ObjectType wanted) throws Pkcs11Exception {
    boolean fits = keyUri.type() == null || keyUri.type() == wanted
        || (wanted == ObjectType.PRIVATE && keyUri.type() == ObjectType.CERT);
    if (!fits) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, keyUri + " names a " + keyUri.type() + " object; this needs "
          + (wanted == ObjectType.SECRET_KEY ? "type=secret-key" : "type=private"));
    }
  }

  private void requireSameKey(Pkcs11Uri keyUri, List<X509Certificate> chain) throws Pkcs11Exception {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain for " + keyUri + " is empty");
    }
    PublicKey tokenKey = tokenChain(keyUri).get(0).getPublicKey();
    if (!Arrays.equals(tokenKey.getEncoded(), chain.get(0).getPublicKey().getEncoded())) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, "certificate " + chain.get(0).getSubjectX500Principal()
          + " is not for the key " + keyUri);
    }
  }

  private ContentSigner signer(PrivateKey key, Pkcs11Uri keyUri) throws Pkcs11Exception {
    try {
      return new JcaContentSignerBuilder(KeyPairType.signatureAlgorithmFor(key.getAlgorithm()))
          .setProvider(provider).build(key);
    } catch (OperatorCreationException e) {
      throw new Pkcs11Exception(Kind.MECHANISM_UNSUPPORTED,
          "the token of " + keyUri + " cannot sign with " + key.getAlgorithm() + ": " + e.getMessage());
    }
  }

  private X509Certificate selfSigned(KeyPair keys, String label) throws GeneralSecurityException {
    // Built attribute by attribute: a label may hold characters that DN strings must escape.
    X500Name name = new X500NameBuilder().addRDN(BCStyle.CN, label).build();
    Instant now = Instant.now();
    try {
      ContentSigner signer = new JcaContentSignerBuilder(KeyPairType.signatureAlgorithmFor(keys.getPrivate().getAlgorithm()))
          .setProvider(provider).build(keys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
          Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic()).build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the placeholder certificate: " + e.getMessage(), e);
    }
  }

  private static boolean isSelfSigned(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
  }
}
