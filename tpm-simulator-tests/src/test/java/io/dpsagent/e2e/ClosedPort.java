package io.dpsagent.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port nobody listens on: bound once to learn a free number, then closed. */
final class ClosedPort {

  private ClosedPort() {}

  static int pick() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
