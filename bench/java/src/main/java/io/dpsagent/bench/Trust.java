package io.dpsagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS that trusts exactly the emulator's CA, with full certificate and host name checks. */
final class Trust {

  private Trust() {}

  static TrustManager[] trustManagers(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        anchors.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    return factory.getTrustManagers();
  }

  static SSLContext sslContext(Path caFile, KeyManager... keyManagers)
      throws IOException, GeneralSecurityException {
    return sslContext(trustManagers(caFile), keyManagers);
  }

  static SSLContext sslContext(TrustManager[] trust, KeyManager... keyManagers)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.length == 0 ? null : keyManagers, trust, null);
    return context;
  }

  /** A device's certificate chain and EC key (PKCS#8), read from PEM files. */
  record ClientKey(List<X509Certificate> chain, PrivateKey key) {

    static ClientKey read(Path chainFile, Path keyFile) throws IOException, GeneralSecurityException {
      List<X509Certificate> chain = new ArrayList<>();
      try (InputStream in = Files.newInputStream(chainFile)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          chain.add((X509Certificate) c);
        }
      }
      String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----|\\s", "");
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
      return new ClientKey(chain, key);
    }

    /** Key managers presenting this chain and key when a server asks for a certificate. */
    KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
      KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
      keys.load(null, null);
      keys.setKeyEntry("device", key, new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, new char[0]);
      return factory.getKeyManagers();
    }
  }
}
