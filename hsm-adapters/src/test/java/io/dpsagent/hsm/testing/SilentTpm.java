package io.dpsagent.hsm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP "TPM" that accepts connections on a loopback port (and the port after it, the control or
 * platform port) and never answers: what the agent sees of a swtpm held by another client or a
 * wedged simulator. Bytes sent to it are read and dropped, so the sender never blocks.
 */
public final class SilentTpm implements AutoCloseable {

  private static final int ATTEMPTS = 20;

  private final List<ServerSocket> listeners;
  private final List<Socket> accepted = new ArrayList<>();
  private final CountDownLatch received = new CountDownLatch(1);

  private SilentTpm(List<ServerSocket> listeners) {
    this.listeners = listeners;
    listeners.forEach(this::serve);
  }

  /** Listens on a free pair of ports {@code p, p + 1}. */
  public static SilentTpm start() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        ServerSocket data = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        try {
          ServerSocket control =
              new ServerSocket(data.getLocalPort() + 1, 8, InetAddress.getLoopbackAddress());
          return new SilentTpm(List.of(data, control));
        } catch (IOException taken) {
          data.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException(
        "no free pair of loopback ports after " + ATTEMPTS + " attempts");
  }

  public int port() {
    return listeners.get(0).getLocalPort();
  }

  private void serve(ServerSocket listener) {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  Socket socket = listener.accept();
                  synchronized (accepted) {
                    accepted.add(socket);
                  }
                  drain(socket);
                }
              } catch (IOException closed) {
                // close() ends the loop
              }
            },
            "silent-tpm-" + listener.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until a client has sent something (a command it now waits for an answer to). */
  public boolean awaitCommand(Duration timeout) throws InterruptedException {
    return received.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void drain(Socket socket) {
    Thread thread =
        new Thread(
            () -> {
              byte[] sink = new byte[4096];
              try {
                while (socket.getInputStream().read(sink) >= 0) {
                  received.countDown(); // and never answer
                }
              } catch (IOException closed) {
                // the client or close() hung up
              }
            },
            "silent-tpm-drain");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    for (ServerSocket listener : listeners) {
      listener.close();
    }
    synchronized (accepted) {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
