package io.dpsagent.agent.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The moment one request must be over, on the monotonic clock. Every blocking step of a request
 * (connect, TLS handshake, proxy CONNECT, each read, the MQTT reply) waits at most what is left of
 * it, so a silent server cannot hold a run past its time budget.
 */
public final class Deadline {

  private final long endNanos;
  private final Duration total;

  private Deadline(long endNanos, Duration total) {
    this.endNanos = endNanos;
    this.total = total;
  }

  /** A deadline {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
  }

  /** The time this deadline was set for, for messages. */
  public Duration total() {
    return total;
  }

  /** What is left; zero once passed. */
  public Duration remaining() {
    long left = endNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** A deadline that ends {@code step} from now, or at this one if that comes first. */
  public Deadline capped(Duration step) {
    long end = Math.min(endNanos, System.nanoTime() + step.toNanos());
    return new Deadline(end, step.compareTo(total) < 0 ? step : total);
  }

  /**
   * What is left in whole milliseconds, at least 1: socket and Paho APIs read 0 as "wait forever".
   *
   * @throws HttpTimeoutException once the deadline has passed
   */
  public long millisLeft() throws HttpTimeoutException {
    long left = remaining().toMillis();
    if (left <= 0) {
      throw timedOut();
    }
    return left;
  }

  /** {@link #millisLeft()} as a socket timeout. */
  public int socketTimeout() throws HttpTimeoutException {
    return (int) Math.min(Integer.MAX_VALUE, millisLeft());
  }

  /** The exception for a request that ran out of time; the client treats it as transient. */
  public HttpTimeoutException timedOut() {
    return new HttpTimeoutException("no answer within " + describe(total));
  }

  /**
   * {@code in}, read from {@code socket}, with the socket's read timeout set to what is left before
   * every read: a server that trickles bytes cannot stretch the request either.
   */
  public InputStream bound(Socket socket, InputStream in) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        socket.setSoTimeout(socketTimeout());
        return in.read();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        socket.setSoTimeout(socketTimeout());
        return in.read(buffer, offset, length);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /** "3 s", or "250 ms" below a second, for messages. */
  public static String describe(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }
}
