package io.dpsagent.agent.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets with {@code TCP_NODELAY}, for MQTT clients, which make their sockets themselves.
 *
 * <p>Why: an MQTT client acknowledges a QoS 1 reply (PUBACK) and at once publishes its next
 * request. With Nagle's algorithm on (the JDK's default, which Paho keeps) the second segment waits
 * until the first is acknowledged, and the broker delays that ACK (40 ms on Linux): every DPS poll
 * over MQTT waited 40 ms for nothing (docs/benchmarks.md). The agent's messages are small and each
 * waits for its answer, so coalescing them gains nothing.
 */
public final class NoDelaySocketFactory extends ForwardingSslSocketFactory {

  public NoDelaySocketFactory(SSLSocketFactory tls) {
    super(tls);
  }

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** The unconnected socket Paho connects itself; the option is kept through the connect. */
  @Override
  public Socket createSocket() throws IOException {
    return noDelay(tls.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(tls.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(tls.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(tls.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(tls.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    socket.setTcpNoDelay(true);
    return super.createSocket(socket, host, port, autoClose);
  }
}
