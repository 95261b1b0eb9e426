package io.dpsagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManager;
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
}
