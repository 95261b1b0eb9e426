package io.dpsagent.agent.transport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.ProxyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CONNECT as the agent speaks it, against a one-connection proxy on loopback. */
class HttpTunnelTest {

  private ServerSocket proxy;

  @BeforeEach
  void listen() throws IOException {
    proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    proxy.close();
  }

  private ProxySettings settings(String userInfo) {
    return ProxySettings.parse(
        "http://" + userInfo + "127.0.0.1:" + proxy.getLocalPort(), "provisioning.proxy");
  }

  /** Asks the proxy for a tunnel to {@code dps.example:443}, to be open within {@code time}. */
  private static Socket tunnelToDps(ProxySettings settings, Duration time) throws IOException {
    return HttpTunnel.open(settings, "dps.example", 443, Deadline.after(time));
  }

  /**
   * Accepts one connection, reads the request header, answers {@code reply}, then echoes one line.
   */
  private CompletableFuture<String> answer(String reply) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket client = proxy.accept()) {
            client.setSoTimeout(5_000);
            String request = readHeader(client.getInputStream());
            client.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
            client.getOutputStream().flush();
            if (reply.startsWith("HTTP/1.1 200")) {
              int b;
              while ((b = client.getInputStream().read()) >= 0 && b != '\n') {
                client.getOutputStream().write(b);
              }
              client.getOutputStream().write('\n');
            }
            return request;
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void asksForTheTunnelAndLeavesTheBytesAfterTheHeaderToTheCaller() throws Exception {
    CompletableFuture<String> request =
        answer("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n");

    try (Socket tunnel = tunnelToDps(settings(""), Duration.ofSeconds(5))) {
      tunnel.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("hello\n", readLine(tunnel.getInputStream()));
      assertEquals(0, tunnel.getSoTimeout(), "the tunnel's own reads are bounded by the caller");
      assertTrue(tunnel.getTcpNoDelay(), "small messages are not held back (Nagle)");
    }
    assertEquals(
        "CONNECT dps.example:443 HTTP/1.1\r\nHost: dps.example:443\r\n\r\n",
        request.get(5, TimeUnit.SECONDS));
  }

  @Test
  void sendsBasicCredentialsAndBracketsAnIpv6Target() throws Exception {
    CompletableFuture<String> request = answer("HTTP/1.1 200 OK\r\n\r\n");

    HttpTunnel.open(settings("user:pa%20ss@"), "::1", 8883, Deadline.after(Duration.ofSeconds(5)))
        .close();

    assertEquals(
        "CONNECT [::1]:8883 HTTP/1.1\r\nHost: [::1]:8883\r\n"
            + "Proxy-Authorization: Basic dXNlcjpwYSBzcw==\r\n\r\n",
        request.get(5, TimeUnit.SECONDS));
  }

  @Test
  void a407SaysToCheckTheCredentialsWithoutEchoingThem() {
    answer("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");

    ProxyException e =
        assertThrows(
            ProxyException.class,
            () -> tunnelToDps(settings("user:secret@"), Duration.ofSeconds(5)));

    assertEquals(
        "proxy http://***@127.0.0.1:"
            + proxy.getLocalPort()
            + " (from provisioning.proxy) refused CONNECT"
            + " dps.example:443: HTTP/1.1 407 Proxy Authentication Required; check the proxy credentials",
        e.getMessage());
  }

  @Test
  void aProxyThatHangsUpIsNoAnswer() {
    answer("");

    ProxyException e =
        assertThrows(ProxyException.class, () -> tunnelToDps(settings(""), Duration.ofSeconds(5)));

    assertTrue(
        e.getMessage().endsWith("refused CONNECT dps.example:443: no answer"), e.getMessage());
  }

  @Test
  void aSilentProxyEndsAtTheDeadline() {
    long start = System.nanoTime();

    ProxyException e =
        assertThrows(ProxyException.class, () -> tunnelToDps(settings(""), Duration.ofMillis(300)));

    assertEquals(
        "proxy http://127.0.0.1:"
            + proxy.getLocalPort()
            + " (from provisioning.proxy) did not open a tunnel"
            + " to dps.example:443 within 300 ms",
        e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "bounded by the deadline");
  }

  @Test
  void anEndlessHeaderIsRefused() {
    answer("HTTP/1.1 200 OK\r\nX: " + "a".repeat(20_000) + "\r\n\r\n");

    IOException e =
        assertThrows(IOException.class, () -> tunnelToDps(settings(""), Duration.ofSeconds(5)));

    assertEquals("proxy answer header is larger than 16384 bytes", e.getMessage());
  }

  @Test
  void aClosedPortIsConnectionRefused() throws IOException {
    ProxySettings closed = settings("");
    proxy.close();

    ProxyException e =
        assertThrows(ProxyException.class, () -> tunnelToDps(closed, Duration.ofSeconds(5)));

    assertTrue(e.getMessage().endsWith(": connection refused or unreachable"), e.getMessage());
  }

  private static String readHeader(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    while (!header.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      header.write(b);
    }
    return header.toString(StandardCharsets.ISO_8859_1);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      line.append((char) b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString();
  }
}
