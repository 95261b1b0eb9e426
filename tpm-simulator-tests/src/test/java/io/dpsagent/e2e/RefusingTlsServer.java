package io.dpsagent.e2e;

import io.dpsagent.common.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server whose TLS a client must refuse, or that refuses the client: it presents a given
 * certificate, answers as a TLS 1.1-only server, or hangs up in the middle of the handshake. It
 * speaks no application protocol, so it stands in for an HTTPS and an MQTT endpoint alike, and it
 * counts the connections it accepted.
 */
final class RefusingTlsServer implements AutoCloseable {

  /** What the server does with each connection. */
  private interface Behaviour {
    void serve(Socket socket) throws IOException;
  }

  private static final int TIMEOUT_MS = 10_000;
  private static final int TLS_1_1 = 0x0302;
  private static final int TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F;

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final AtomicInteger connections = new AtomicInteger();
  private final ExecutorService threads = DaemonThreads.cachedPool("refusing-tls-server");

  private RefusingTlsServer(ServerSocket server, Behaviour behaviour) {
    this.server = server;
    this.behaviour = behaviour;
    threads.execute(this::acceptLoop);
  }

  /**
   * A TLS 1.2/1.3 server presenting {@code leaf}; the handshake ends however the client decides.
   */
  static RefusingTlsServer presenting(TestPki.Leaf leaf) throws Exception {
    SSLServerSocket socket =
        (SSLServerSocket)
            TlsKeys.serverContext(leaf.privateKey(), leaf.chain())
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    return new RefusingTlsServer(socket, s -> ((SSLSocket) s).startHandshake());
  }

  /**
   * A server that speaks TLS 1.1 at most: to any ClientHello it answers with a TLS 1.1 ServerHello,
   * as such a server does when the client offers 1.2 or later (the JDK no longer enables TLS 1.1 on
   * the server side, so the answer is written by hand).
   */
  static RefusingTlsServer tls11Only() throws IOException {
    return new RefusingTlsServer(
        plainSocket(),
        s -> {
          readRecord(s.getInputStream());
          ByteBuffer hello = ByteBuffer.allocate(5 + 4 + 38);
          hello.put((byte) 0x16).putShort((short) TLS_1_1).putShort((short) 42); // handshake record
          hello.put((byte) 0x02).put((byte) 0).putShort((short) 38); // ServerHello, 38 bytes
          hello
              .putShort((short) TLS_1_1)
              .put(new byte[32])
              .put((byte) 0); // version, random, no session
          hello
              .putShort((short) TLS_RSA_WITH_AES_128_CBC_SHA)
              .put((byte) 0); // cipher suite, no compression
          OutputStream out = s.getOutputStream();
          out.write(hello.array());
          out.flush();
          readRecord(s.getInputStream()); // the client's alert, if any
        });
  }

  /**
   * A server that reads the ClientHello and closes the connection: a peer going away mid-handshake.
   */
  static RefusingTlsServer closingTheHandshake() throws IOException {
    return new RefusingTlsServer(plainSocket(), s -> readRecord(s.getInputStream()));
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  private static ServerSocket plainSocket() throws IOException {
    return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
  }

  private static void readRecord(InputStream in) throws IOException {
    byte[] header = in.readNBytes(5);
    if (header.length == 5) {
      in.readNBytes(((header[3] & 0xFF) << 8) | (header[4] & 0xFF));
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        threads.execute(
            () -> {
              try (socket) {
                socket.setSoTimeout(TIMEOUT_MS);
                behaviour.serve(socket);
              } catch (IOException e) {
                // the client refused the handshake: that is the point
              }
            });
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
