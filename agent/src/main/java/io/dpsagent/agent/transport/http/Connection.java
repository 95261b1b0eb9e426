package io.dpsagent.agent.transport.http;

import io.dpsagent.agent.transport.Deadline;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/** One TLS connection to {@code host:port} of {@link Http11Exchange}, open or kept between uses. */
final class Connection {

  /** Well under the idle timeouts of servers and proxies (DPS: about 4 minutes). */
  private static final long MAX_IDLE_NANOS = Duration.ofSeconds(30).toNanos();

  private static final int CLOSE_WAIT_MILLIS = 200;

  private final SSLSocket socket;
  private final String host;
  private final int port;
  private final BufferedInputStream in;
  private long idleSince;

  Connection(SSLSocket socket, String host, int port) throws IOException {
    this.socket = socket;
    this.host = host;
    this.port = port;
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  void write(byte[] request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request);
    out.flush();
  }

  /** The answer's bytes, each read waiting at most what is left of {@code deadline}. */
  InputStream input(Deadline deadline) {
    return deadline.bound(socket, in);
  }

  /** This connection, marked idle from now. */
  Connection idle() {
    idleSince = System.nanoTime();
    return this;
  }

  /**
   * True when this connection goes to {@code host:port}, has not idled too long and the server has
   * not closed it (or sent something unasked) meanwhile: a short read must time out with nothing.
   */
  boolean reusableFor(String host, int port) {
    if (!this.host.equals(host)
        || this.port != port
        || socket.isClosed()
        || System.nanoTime() - idleSince > MAX_IDLE_NANOS) {
      return false;
    }
    try {
      socket.setSoTimeout(1);
      in.mark(1);
      in.read();
      return false; // an end of stream, or bytes no request asked for
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  void close() {
    try {
      // JSSE's close may wait for the server's close_notify; a server that never sends one must
      // not hold the agent for what is left of a request timeout.
      socket.setSoTimeout(CLOSE_WAIT_MILLIS);
    } catch (IOException e) {
      // already closed, or broken: close() below still releases it
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do: the connection is given up either way
    }
  }
}
