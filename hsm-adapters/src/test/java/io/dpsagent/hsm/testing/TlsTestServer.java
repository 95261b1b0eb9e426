package io.dpsagent.hsm.testing;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * A TLS server on 127.0.0.1 that requires a client certificate issued under a test CA, to prove a
 * {@link TlsIdentity} in a real handshake. Its own certificate comes from the same CA.
 */
public final class TlsTestServer implements AutoCloseable {

  private static final int TIMEOUT_MS = 10_000;

  private final TestPki.Issuer ca;
  private final SSLServerSocket socket;
  private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

  /** What the server saw of a client. */
  public record Handshake(String protocol, Principal clientSubject) {}

  public TlsTestServer(TestPki.Issuer ca) throws Exception {
    this.ca = ca;
    TestPki.Leaf serverLeaf = ca.leaf("localhost", TestPki.KeyType.EC_P256);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(serverLeaf.keyManagers(), trustManagers(), null);
    socket =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    socket.setNeedClientAuth(true);
    socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
  }

  /**
   * Connects with the identity, limited to one protocol version, and returns what the server saw.
   */
  public Handshake handshake(TlsIdentity identity, String protocol) throws Exception {
    Future<Handshake> accepted =
        acceptor.submit(
            () -> {
              try (SSLSocket client = (SSLSocket) socket.accept()) {
                client.setSoTimeout(TIMEOUT_MS);
                client.startHandshake();
                client.getOutputStream().write(1);
                client.getOutputStream().flush();
                return new Handshake(
                    client.getSession().getProtocol(),
                    ((X509Certificate) client.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal());
              }
            });
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new X509KeyManager[] {identity.keyManager()}, trustManagers(), null);
    try (SSLSocket client =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), socket.getLocalPort())) {
      client.setSoTimeout(TIMEOUT_MS);
      client.setEnabledProtocols(new String[] {protocol});
      client.startHandshake();
      InputStream in = client.getInputStream();
      if (in.read() != 1) {
        throw new IOException("server closed without its byte");
      }
    }
    return accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private javax.net.ssl.TrustManager[] trustManagers() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    acceptor.shutdownNow();
  }
}
