package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.Pkcs11Uri.ObjectType;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception.Kind;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * Finds the objects a URI names on a logged-in token, through SunPKCS11's KeyStore, where an alias
 * is a CKA_LABEL. Two consequences: a secret key must be named by {@code object=}; a private key is
 * visible only when a certificate with the same CKA_ID sits next to it. SunPKCS11 sets the CKA_ID
 * of keys it stores to the UTF-8 bytes of the label, so {@code id=} finds them too.
 *
 * <p>Every key handed out has an unreadable value (CKA_SENSITIVE true or CKA_EXTRACTABLE false); a
 * key whose value can be read is refused as {@link Kind#OBJECT_UNFIT}.
 *
 * @param keyStore the logged-in store, which the factory steps also use to add objects
 */
record TokenObjects(TokenInfo info, KeyStore keyStore) {

  /**
   * True when the key's value cannot be read from the token: SunPKCS11 gives an encoding only for
   * keys that are neither sensitive nor non-extractable (CKA_VALUE readable).
   */
  static boolean isValueHidden(Key key) {
    return key.getEncoded() == null;
  }

  SecretKey secretKey(Pkcs11Uri keyUri) throws Pkcs11Exception {
    Key key = key(alias(keyUri, ObjectType.SECRET_KEY), keyUri);
    if (!(key instanceof SecretKey secret)) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, keyUri + " is not a secret key");
    }
    return requireHidden(secret, keyUri);
  }

  PrivateKey privateKey(Pkcs11Uri keyUri) throws Pkcs11Exception {
    Key key = key(alias(keyUri, ObjectType.PRIVATE), keyUri);
    if (!(key instanceof PrivateKey priv)) {
      throw new Pkcs11Exception(Kind.OBJECT_UNFIT, keyUri + " is not a private key");
    }
    return requireHidden(priv, keyUri);
  }

  /** The chain stored next to the private key, leaf first. */
  List<X509Certificate> chain(Pkcs11Uri keyUri) throws Pkcs11Exception {
    try {
      Certificate[] chain = keyStore.getCertificateChain(alias(keyUri, ObjectType.PRIVATE));
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        certs.add((X509Certificate) c);
      }
      return certs;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR, "cannot read the certificates of " + keyUri + ": " + e.getMessage());
    }
  }

  /** The KeyStore alias of the object the URI names, which must exist with the wanted class. */
  String alias(Pkcs11Uri keyUri, ObjectType wanted) throws Pkcs11Exception {
    requireType(keyUri, wanted);
    Class<? extends KeyStore.Entry> entryClass =
        wanted == ObjectType.SECRET_KEY
            ? KeyStore.SecretKeyEntry.class
            : KeyStore.PrivateKeyEntry.class;
    try {
      for (String candidate : aliasCandidates(keyUri, wanted)) {
        if (keyStore.containsAlias(candidate) && keyStore.entryInstanceOf(candidate, entryClass)) {
          return candidate;
        }
      }
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR,
          "cannot search token '" + info.label() + "' for " + keyUri + ": " + e.getMessage());
    }
    throw new Pkcs11Exception(
        Kind.OBJECT_NOT_FOUND,
        "token '"
            + info.label()
            + "' has no "
            + (wanted == ObjectType.SECRET_KEY ? "secret key" : "private key with a certificate")
            + " "
            + keyUri);
  }

  /** A label for a new object, which must not exist yet: keys are stored once, never replaced. */
  String newLabel(Pkcs11Uri keyUri, ObjectType type) throws Pkcs11Exception {
    requireType(keyUri, type);
    if (keyUri.object() == null) {
      throw new Pkcs11Exception(
          Kind.OBJECT_NOT_FOUND, keyUri + " names no label for the new key; add object=<label>");
    }
    try {
      if (keyStore.containsAlias(keyUri.object())) {
        throw new Pkcs11Exception(
            Kind.OBJECT_EXISTS,
            "token '"
                + info.label()
                + "' already holds "
                + keyUri.object()
                + " ("
                + keyUri
                + "); delete it first or choose another label");
      }
    } catch (GeneralSecurityException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR, "cannot search token for " + keyUri + ": " + e.getMessage());
    }
    return keyUri.object();
  }

  /** Refuses a chain whose leaf certifies another key than the token's. */
  void requireSameKey(Pkcs11Uri keyUri, List<X509Certificate> chain) throws Pkcs11Exception {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain for " + keyUri + " is empty");
    }
    PublicKey tokenKey = chain(keyUri).get(0).getPublicKey();
    if (!Arrays.equals(tokenKey.getEncoded(), chain.get(0).getPublicKey().getEncoded())) {
      throw new Pkcs11Exception(
          Kind.OBJECT_UNFIT,
          "certificate "
              + chain.get(0).getSubjectX500Principal()
              + " is not for the key "
              + keyUri);
    }
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
      throw new Pkcs11Exception(
          Kind.OBJECT_UNFIT,
          "key "
              + keyUri
              + " can be read out of the token"
              + " (CKA_SENSITIVE false and CKA_EXTRACTABLE true); create it again as sensitive");
    }
    return key;
  }

  private static List<String> aliasCandidates(Pkcs11Uri keyUri, ObjectType wanted)
      throws Pkcs11Exception {
    if (keyUri.object() != null) {
      return List.of(keyUri.object());
    }
    if (keyUri.id() == null || wanted == ObjectType.SECRET_KEY) {
      throw new Pkcs11Exception(
          Kind.OBJECT_NOT_FOUND,
          keyUri
              + " names no "
              + (wanted == ObjectType.SECRET_KEY
                  ? "label; add object=<label>"
                  : "object; add object=<label> or id=<bytes>"));
    }
    // Without a label, SunPKCS11 names a key entry after its CKA_ID: as text when printable, else
    // hex.
    byte[] id = keyUri.id();
    StringBuilder hex = new StringBuilder("0x");
    for (byte b : id) {
      hex.append(String.format("%02x", b & 0xff));
    }
    return List.of(new String(id, StandardCharsets.UTF_8), hex.toString());
  }

  private static void requireType(Pkcs11Uri keyUri, ObjectType wanted) throws Pkcs11Exception {
    boolean fits =
        keyUri.type() == null
            || keyUri.type() == wanted
            || (wanted == ObjectType.PRIVATE && keyUri.type() == ObjectType.CERT);
    if (!fits) {
      throw new Pkcs11Exception(
          Kind.OBJECT_UNFIT,
          keyUri
              + " names a "
              + keyUri.type()
              + " object; this needs "
              + (wanted == ObjectType.SECRET_KEY ? "type=secret-key" : "type=private"));
    }
  }
}
