package io.dpsagent.e2e.interop;

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
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts that trust exactly the emulator's CA: what the Java SDK's security providers hand to
 * its transports. Nothing global changes, and nothing else is trusted.
 */
final class EmulatorTrust {

  private EmulatorTrust() {}

  /**
   * Trusts the certificates in {@code caFile}; presents the client keys of {@code keyManagers}, if
   * any.
   */
  static SSLContext sslContext(Path caFile, KeyManager... keyManagers)
      throws IOException, GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        anchors.setCertificateEntry("emulator-ca-" + i++, certificate);
      }
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.length == 0 ? null : keyManagers, trust.getTrustManagers(), null);
    return context;
  }
}
