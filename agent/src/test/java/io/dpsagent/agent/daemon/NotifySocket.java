package io.dpsagent.agent.daemon;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A bound Unix datagram socket playing systemd's part for {@code NOTIFY_SOCKET}. */
public final class NotifySocket implements AutoCloseable {

  private static final int MSG_DONTWAIT = 0x40;

  private final SystemdNotifier.LibC libc = SystemdNotifier.libc();
  private final int fd;
  private final String name;
  private final List<String> received = new ArrayList<>();

  public NotifySocket(String name) {
    this.name = name;
    fd = libc.socket(SystemdNotifier.AF_UNIX, SystemdNotifier.SOCK_DGRAM, 0);
    libc.bind(fd, SystemdNotifier.SockaddrUn.of(name), SystemdNotifier.SockaddrUn.length(name));
  }

  /** The value for {@code NOTIFY_SOCKET}. */
  public String name() {
    return name;
  }

  /** The next datagram, without waiting; an empty string when none is queued. */
  public synchronized String receive() {
    drain();
    return received.isEmpty() ? "" : received.remove(0);
  }

  /** Every datagram received so far, oldest first. */
  public synchronized List<String> all() {
    drain();
    return List.copyOf(received);
  }

  /** Waits until a datagram matches, and returns it; fails the test after {@code timeout}. */
  public String await(Predicate<String> matching, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (String message : all()) {
        if (matching.test(message)) {
          return message;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching notification within " + timeout + "; got " + all());
  }

  private void drain() {
    byte[] buffer = new byte[4096];
    while (true) {
      int n;
      try {
        n = (int) libc.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
      } catch (LastErrorException e) {
        return; // EAGAIN: nothing queued
      }
      received.add(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    libc.close(fd);
  }
}
