package io.dpsagent.e2e;

import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server that accepts connections and never answers: what a hung DPS, broker or proxy
 * looks like. The TLS flavour completes the handshake first, so the client is left waiting for the
 * answer to its request (HTTP response, CONNACK, WebSocket upgrade) rather than for the handshake.
 * It reads and drops what the client sends, so the client's writes never block.
 */
final class SilentServer implements AutoCloseable {

  private final ServerSocket server;
  private final SSLContext tls;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private SilentServer(SSLContext tls) throws IOException {
    this.server = new ServerSocket(0, 20, InetAddress.getLoopbackAddress());
    this.tls = tls;
    Thread acceptor = new Thread(this::acceptLoop, "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Accepts TCP connections and says nothing, not even a TLS ServerHello. */
  static SilentServer tcp() throws IOException {
    return new SilentServer(null);
  }

  /**
   * Completes TLS as {@code localhost} (its CA is written to {@code caFile}), then says nothing.
   */
  static SilentServer tls(Path caFile) throws IOException, GeneralSecurityException {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    ServerTlsIdentity identity = ca.issueServerIdentity("localhost");
    Pem.writeCertificate(caFile, identity.trustAnchor());
    return new SilentServer(TlsKeys.serverContext(identity.privateKey(), identity.chain()));
  }

  int port() {
    return server.getLocalPort();
  }

  /** How many connections arrived: proof that the client did reach the server. */
  int connections() {
    return accepted.size();
  }

  private void acceptLoop() {
    for (int i = 0;
        i < 50 && !server.isClosed();
        i++) { // a bounded number of connections, as any test loop
      try {
        Socket client = server.accept();
        accepted.add(client);
        Thread reader = new Thread(() -> drain(client), "silent-server-conn");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void drain(Socket client) {
    try {
      Socket socket = client;
      if (tls != null) {
        SSLSocket secure =
            (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        socket = secure;
      }
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // never answer
      }
    } catch (IOException e) {
      // the client gave up, or the test closed the server
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
