package io.dpsagent.agent.transport.http;

import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.proxy.HttpTunnel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over one {@link SSLSocket}, direct or through an HTTP proxy tunnel: the HTTPS
 * transport's client. The connection of one answer is kept for the next request (register, then the
 * polls) while it is fresh and the server keeps it open.
 *
 * <p>Written by hand, not on {@code java.net.http}: that client costs some 300 classes, about 0.1 s
 * of CPU and half a second of wall time, hopping between its threads (docs/benchmarks.md); with
 * proxy credentials it needs an {@link java.net.Authenticator}, which makes it turn every 401
 * without a {@code WWW-Authenticate} header (how DPS answers a bad SAS) into an exception, losing
 * the status and body the agent reports. The tunnel is the same {@link HttpTunnel} the MQTT
 * transports use, so all transports behave alike behind a proxy. Only what DPS needs is
 * implemented: a request with a Content-Length body, and an answer framed by Content-Length,
 * chunked encoding or the end of the connection.
 */
public final class Http11Exchange implements HttpExchange, Closeable {

  private final SSLContext tls;
  private final Optional<ProxySettings> proxy;
  private final Duration connectTimeout;
  private Connection kept; // guarded by this

  public Http11Exchange(SSLContext tls, Optional<ProxySettings> proxy, Duration connectTimeout) {
    this.tls = tls;
    this.proxy = proxy;
    this.connectTimeout = connectTimeout;
  }

  /** The request's deadline bounds everything: connect, tunnel, handshake and every read. */
  @Override
  public synchronized Response send(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    Deadline deadline = Deadline.after(timeout);
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : 443;
    Connection connection = takeKept(host, port);
    try {
      if (connection == null) {
        connection = open(host, port, deadline);
      }
      connection.write(Http11Messages.request(method, uri, port, headers, body));
      Http11Messages.Answer answer = Http11Messages.read(connection.input(deadline));
      if (answer.keepAlive()) {
        kept = connection.idle();
      } else {
        connection.close();
      }
      return answer.response();
    } catch (SocketTimeoutException e) {
      closeQuietly(connection);
      throw deadline.timedOut();
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** Closes the kept connection, if any. */
  @Override
  public synchronized void close() {
    closeQuietly(kept);
    kept = null;
  }

  private Connection takeKept(String host, int port) {
    Connection connection = kept;
    kept = null;
    if (connection != null && connection.reusableFor(host, port)) {
      return connection;
    }
    closeQuietly(connection);
    return null;
  }

  private Connection open(String host, int port, Deadline deadline) throws IOException {
    Deadline connecting = deadline.capped(connectTimeout);
    Socket raw =
        proxy.isPresent()
            ? HttpTunnel.open(proxy.get(), host, port, connecting)
            : connect(host, port, connecting);
    try {
      SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the host name is verified, always
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(deadline.socketTimeout());
      socket.startHandshake();
      return new Connection(socket, host, port);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static Socket connect(String host, int port, Deadline connecting) throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UnknownHostException(host);
    }
    Socket socket = new Socket();
    try {
      socket.connect(address, connecting.socketTimeout());
      return socket;
    } catch (SocketTimeoutException e) {
      socket.close();
      throw connecting.timedOut();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      connection.close();
    }
  }
}
