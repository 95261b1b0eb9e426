package io.dpsagent.agent.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange against a real TLS server on loopback: the host name is verified, register and poll
 * share one connection while the server keeps it, and a connection the server closed is not used.
 */
class Http11ExchangeConnectionTest {

  private static final TestPki.Issuer CA = TestPki.rootCa("Exchange Test Root");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Server server;
  private Http11Exchange exchange;

  @AfterEach
  void stop() throws IOException {
    if (exchange != null) {
      exchange.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void requestsShareOneConnectionWhileTheServerKeepsIt() throws Exception {
    server = new Server(CA.leaf("localhost", KeyType.EC_P256), Mode.KEEP);
    exchange = exchange();

    HttpExchange.Response first = send("PUT", "{\"registrationId\":\"d\"}");
    HttpExchange.Response second = send("GET", null);

    assertEquals(new HttpExchange.Response(202, Optional.of("0"), Optional.empty(), "ok"), first);
    assertEquals(202, second.status());
    assertEquals(1, server.connections.get(), "one connection for both requests");
    assertEquals(
        List.of(
            "PUT /scope/registrations/d/register?api-version=2021-06-01 HTTP/1.1",
            "GET /scope/registrations/d/register?api-version=2021-06-01 HTTP/1.1"),
        server.requestLines);
  }

  @Test
  void anAnswerSayingCloseEndsTheConnection() throws Exception {
    server = new Server(CA.leaf("localhost", KeyType.EC_P256), Mode.SAY_CLOSE);
    exchange = exchange();

    send("GET", null);
    send("GET", null);

    assertEquals(2, server.connections.get());
  }

  @Test
  void aConnectionTheServerClosedMeanwhileIsReplaced() throws Exception {
    server = new Server(CA.leaf("localhost", KeyType.EC_P256), Mode.DROP_AFTER_ANSWER);
    exchange = exchange();
    send("GET", null);
    assertTrue(server.dropped.await(10, TimeUnit.SECONDS), "the server closed its connection");

    assertEquals(202, send("GET", null).status());
    assertEquals(2, server.connections.get());
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws Exception {
    server = new Server(CA.leaf("other.example", KeyType.EC_P256), Mode.KEEP);
    exchange = exchange();

    SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> send("GET", null));
    assertTrue(e.getMessage().contains("localhost"), e.getMessage());
  }

  private Http11Exchange exchange() throws Exception {
    Path bundle = dir.resolve("ca.pem");
    Files.writeString(bundle, TestPki.pem(CA.certificate()));
    return new Http11Exchange(
        TrustStores.clientContext(Optional.of(bundle), Optional.empty()),
        Optional.empty(),
        TIMEOUT);
  }

  private HttpExchange.Response send(String method, String body) throws IOException {
    URI uri =
        URI.create(
            "https://localhost:"
                + server.port()
                + "/scope/registrations/d/register?api-version=2021-06-01");
    return exchange.send(
        method,
        uri,
        Map.of("Accept", "application/json"),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        TIMEOUT);
  }

  /** What the server does with a connection after an answer. */
  private enum Mode {
    KEEP,
    SAY_CLOSE,
    DROP_AFTER_ANSWER
  }

  /** Answers every request 202 "ok", then keeps, or closes, the connection as {@link Mode} says. */
  private static final class Server implements AutoCloseable {
    final CountDownLatch dropped = new CountDownLatch(1);
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ServerSocket socket;
    private final SSLSocketFactory tls;
    private final Mode mode;

    Server(TestPki.Leaf identity, Mode mode) throws Exception {
      this.mode = mode;
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(identity.keyManagers(), null, null);
      tls = context.getSocketFactory();
      socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "test-https-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      for (int i = 0; i < 10 && !socket.isClosed(); i++) {
        try {
          Socket tcp = socket.accept();
          connections.incrementAndGet();
          open.add(tcp);
          Thread serve = new Thread(() -> serve(tcp), "test-https-connection");
          serve.setDaemon(true);
          serve.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    /** TLS over {@code tcp}; a drop closes the TCP connection under it, as a NAT or proxy would. */
    private void serve(Socket tcp) {
      try (tcp;
          SSLSocket client = (SSLSocket) tls.createSocket(tcp, null, tcp.getPort(), false)) {
        client.setUseClientMode(false);
        client.setSoTimeout(10_000);
        InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        for (int i = 0; i < 10; i++) {
          String head = head(in);
          if (head.isEmpty()) {
            return;
          }
          requestLines.add(head.lines().findFirst().orElse(""));
          int length =
              head.lines()
                  .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                  .map(l -> Integer.parseInt(l.substring(15).strip()))
                  .findFirst()
                  .orElse(0);
          in.readNBytes(length);
          out.write(
              ("HTTP/1.1 202 Accepted\r\nRetry-After: 0\r\nContent-Length: 2\r\n"
                      + (mode == Mode.SAY_CLOSE ? "Connection: close\r\n" : "")
                      + "\r\nok")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (mode != Mode.KEEP) {
            tcp.close();
            dropped.countDown();
            return;
          }
        }
      } catch (IOException e) {
        // the client went away: this connection is over
      }
    }

    private static String head(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0; b = in.read()) {
        head.write(b);
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          return text;
        }
      }
      return "";
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
