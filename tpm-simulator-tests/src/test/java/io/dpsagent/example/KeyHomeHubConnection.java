package io.dpsagent.example;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.hsm.TlsIdentity;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The example application's hub connection, for a key the application cannot read from a file (a
 * token or TPM key): the TLS client identity comes from the agent's key handle instead. Sends one
 * message, so the hub counts it.
 */
public final class KeyHomeHubConnection {

  private KeyHomeHubConnection() {}

  /** Connects as the device of {@code outputDir}'s connection.json and sends one message. */
  public static void connectAndSend(Path outputDir, int port, Path caFile, TlsIdentity identity)
      throws Exception {
    DeviceIdentity device = DeviceIdentity.read(outputDir);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {identity.keyManager()}, trust(caFile).getTrustManagers(), null);
    HubConnection connection = HubConnection.open(device, port, tls, null);
    try {
      connection.send(new ObjectMapper().createObjectNode().put("hello", "issued"));
    } finally {
      connection.close();
    }
  }

  private static TrustManagerFactory trust(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, (X509Certificate) certificate);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }
}
