package io.dpsagent.e2e;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** JSSE key material for the test servers, and SDK clients, that present a certificate. */
public final class TlsKeys {

  private static final char[] NO_PASSWORD = new char[0];

  private TlsKeys() {}

  /** Key managers that present {@code chain} (leaf first), proving it with {@code key}. */
  public static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("identity", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, NO_PASSWORD);
    return factory.getKeyManagers();
  }

  /** A server's TLS context presenting {@code chain} with {@code key}; it asks for no client. */
  static SSLContext serverContext(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException, IOException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(key, chain), null, null);
    return context;
  }
}
