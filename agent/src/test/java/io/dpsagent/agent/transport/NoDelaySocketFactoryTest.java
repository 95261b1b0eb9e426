package io.dpsagent.agent.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every socket the factory makes, connected by it or by its caller, has TCP_NODELAY on. */
class NoDelaySocketFactoryTest {

  private final SSLSocketFactory jdk = defaultTls();
  private final NoDelaySocketFactory factory = new NoDelaySocketFactory(jdk);
  private ServerSocket listener;

  private static SSLSocketFactory defaultTls() {
    try {
      return SSLContext.getDefault().getSocketFactory();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @BeforeEach
  void listen() throws Exception {
    listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws Exception {
    listener.close();
  }

  @Test
  void theJdksOwnSocketsHoldSmallSegmentsBack() throws Exception {
    try (Socket plain =
        jdk.createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
      assertFalse(plain.getTcpNoDelay(), "the reason for the factory: Nagle is on by default");
    }
  }

  @Test
  void anUnconnectedSocketKeepsTheOptionThroughItsConnect() throws Exception {
    try (Socket socket = factory.createSocket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));

      assertTrue(socket.getTcpNoDelay());
    }
  }

  @Test
  void socketsItConnectsHaveTheOption() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int port = listener.getLocalPort();
    try (Socket byName = factory.createSocket(loopback.getHostAddress(), port);
        Socket byAddress = factory.createSocket(loopback, port)) {
      assertTrue(byName.getTcpNoDelay());
      assertTrue(byAddress.getTcpNoDelay());
    }
  }

  @Test
  void aSocketLayeredOverAnotherSetsItOnTheOneBelow() throws Exception {
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket tls = factory.createSocket(raw, "localhost", listener.getLocalPort(), true)) {
      assertTrue(raw.getTcpNoDelay());
      assertTrue(tls.getTcpNoDelay());
    }
  }
}
