package io.dpsagent.agent.transport.proxy;

import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.ProxyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

/** Opens a TCP tunnel through an HTTP proxy with {@code CONNECT host:port}. */
public final class HttpTunnel {

  /** A proxy's answer header is a few hundred bytes; a longer one is not a proxy. */
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private HttpTunnel() {}

  /**
   * Connects to the proxy and asks it for a tunnel to {@code host:port}; returns the tunnel, or
   * fails once {@code deadline} has passed.
   */
  public static Socket open(ProxySettings proxy, String host, int port, Deadline deadline)
      throws IOException {
    Socket socket = new Socket();
    try {
      connect(socket, proxy, deadline.socketTimeout());
      socket.setTcpNoDelay(
          true); // small messages that each wait for an answer: NoDelaySocketFactory
      socket.setSoTimeout(deadline.socketTimeout());
      String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
      StringBuilder request =
          new StringBuilder("CONNECT ")
              .append(authority)
              .append(" HTTP/1.1\r\n")
              .append("Host: ")
              .append(authority)
              .append("\r\n");
      proxy
          .proxyAuthorization()
          .ifPresent(a -> request.append("Proxy-Authorization: ").append(a).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String status =
          readHeader(deadline.bound(socket, socket.getInputStream()))
              .lines()
              .findFirst()
              .orElse("");
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[1].equals("200")) {
        throw new ProxyException(
            "proxy "
                + proxy.describe()
                + " refused CONNECT "
                + authority
                + ": "
                + (status.isEmpty() ? "no answer" : status)
                + (parts.length >= 2 && parts[1].equals("407")
                    ? "; check the proxy credentials"
                    : ""),
            null);
      }
      socket.setSoTimeout(0);
      return socket;
    } catch (SocketTimeoutException | HttpTimeoutException e) {
      socket.close();
      throw new ProxyException(
          "proxy "
              + proxy.describe()
              + " did not open a tunnel to "
              + host
              + ":"
              + port
              + " within "
              + Deadline.describe(deadline.total()),
          e);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static void connect(Socket socket, ProxySettings proxy, int timeoutMillis)
      throws ProxyException {
    InetSocketAddress address = proxy.address();
    InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
    if (resolved.isUnresolved()) {
      throw new ProxyException("cannot resolve the proxy host name of " + proxy.describe(), null);
    }
    try {
      socket.connect(resolved, timeoutMillis);
    } catch (SocketTimeoutException e) {
      throw new ProxyException(
          "cannot connect to proxy "
              + proxy.describe()
              + ": no answer within "
              + timeoutMillis
              + " ms",
          e);
    } catch (IOException e) {
      throw new ProxyException(
          "cannot connect to proxy " + proxy.describe() + ": connection refused or unreachable", e);
    }
  }

  /** Reads up to the blank line, byte by byte, so no tunnelled byte is consumed. */
  private static String readHeader(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      header.write(b);
      if (header.size() > MAX_HEADER_BYTES) {
        throw new IOException("proxy answer header is larger than " + MAX_HEADER_BYTES + " bytes");
      }
      matched =
          (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1)
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    return header.toString(StandardCharsets.ISO_8859_1);
  }
}
