package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A PKCS#11 token in use: found by the token attributes of a URI, logged in once with its user PIN
 * (see {@link TokenLogin}), and asked for handles to the keys it holds. The keys never leave it.
 *
 * <p>The factory steps that put keys into a token are {@link Pkcs11FactorySteps}.
 */
public final class Pkcs11Token {

  private final TokenInfo info;
  private final Provider provider;
  private final TokenObjects objects;

  private Pkcs11Token(TokenLogin.Session session) {
    this.info = session.info();
    this.provider = session.provider();
    this.objects = new TokenObjects(session.info(), session.keyStore());
  }

  /**
   * Finds the token a URI names and logs in once with the URI's PIN.
   *
   * @param uri names the token (token, serial, manufacturer, model or slot-id; with none, the
   *     module's only token), the module ({@code module-path}) and the PIN
   * @param defaultModulePath the module when the URI has no {@code module-path} (config {@code
   *     pkcs11.module}), or null
   */
  public static Pkcs11Token open(Pkcs11Uri uri, String defaultModulePath) throws Pkcs11Exception {
    return new Pkcs11Token(TokenLogin.open(uri, defaultModulePath));
  }

  /** The token as it described itself when opened. */
  public TokenInfo info() {
    return info;
  }

  /**
   * The SunPKCS11 provider bound to this token's slot (registered last in java.security.Security).
   */
  Provider provider() {
    return provider;
  }

  TokenObjects objects() {
    return objects;
  }

  /** HMAC-SHA256 inside the token with the secret key {@code object=} names. */
  public SasSigner sasSigner(Pkcs11Uri keyUri) throws Pkcs11Exception {
    return new Pkcs11SasSigner(provider, objects.secretKey(keyUri), keyUri);
  }

  /** A TLS client identity with the token's private key and the chain stored next to it. */
  public TlsIdentity tlsIdentity(Pkcs11Uri keyUri) throws Pkcs11Exception {
    List<X509Certificate> chain = new ArrayList<>(objects.chain(keyUri));
    // TLS clients send the chain up to, not including, the trust anchor.
    while (chain.size() > 1 && isSelfSigned(chain.get(chain.size() - 1))) {
      chain.remove(chain.size() - 1);
    }
    return new Pkcs11TlsIdentity(objects.privateKey(keyUri), chain, keyUri);
  }

  /**
   * A TLS client identity with the token's private key and a chain from elsewhere (e.g. a PEM file
   * read with {@code SoftwareTlsIdentity.readChain}); its leaf must certify the token's key.
   */
  public TlsIdentity tlsIdentity(Pkcs11Uri keyUri, List<X509Certificate> chain)
      throws Pkcs11Exception {
    PrivateKey key = objects.privateKey(keyUri);
    objects.requireSameKey(keyUri, chain);
    return new Pkcs11TlsIdentity(key, chain, keyUri);
  }

  @Override
  public String toString() {
    return "Pkcs11Token[" + info.label() + ", slot " + info.slotId() + "]";
  }

  private static boolean isSelfSigned(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
  }
}
