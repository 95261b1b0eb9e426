package io.dpsagent.agent.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Structure;
import io.dpsagent.agent.log.Log;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code sd_notify(3)} for {@code Type=notify} units: a datagram to the socket systemd names in
 * {@code NOTIFY_SOCKET}. The JDK has no Unix datagram sockets, so the two libc calls go through
 * JNA. Without {@code NOTIFY_SOCKET} (not started by systemd) every call does nothing.
 */
public final class SystemdNotifier {

  private static final Log LOG = Log.of(SystemdNotifier.class);

  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SUN_PATH_BYTES = 108;

  /** The libc calls used (Linux). */
  interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    int sendto(int fd, byte[] buffer, long length, int flags, SockaddrUn address, int addressLength)
        throws LastErrorException;

    int bind(int fd, SockaddrUn address, int addressLength) throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  /** {@code struct sockaddr_un}. */
  @Structure.FieldOrder({"sunFamily", "sunPath"})
  public static final class SockaddrUn extends Structure {
    public short sunFamily = AF_UNIX;
    public byte[] sunPath = new byte[SUN_PATH_BYTES];

    /** For a path, or an abstract name when it starts with {@code @}. */
    static SockaddrUn of(String socket) {
      SockaddrUn address = new SockaddrUn();
      byte[] name = socket.getBytes(StandardCharsets.UTF_8);
      if (name.length >= SUN_PATH_BYTES) {
        throw new IllegalArgumentException(
            "NOTIFY_SOCKET is longer than " + (SUN_PATH_BYTES - 1) + " bytes");
      }
      System.arraycopy(name, 0, address.sunPath, 0, name.length);
      if (name.length > 0 && name[0] == '@') {
        address.sunPath[0] = 0; // Linux abstract namespace
      }
      return address;
    }

    /** The length systemd expects: the family plus the name, with a NUL only for paths. */
    static int length(String socket) {
      int nameBytes = socket.getBytes(StandardCharsets.UTF_8).length;
      return 2 + (socket.startsWith("@") ? nameBytes : nameBytes + 1);
    }
  }

  private final Optional<String> socket;

  public SystemdNotifier(Optional<String> notifySocket) {
    this.socket = notifySocket.filter(s -> !s.isEmpty());
  }

  /** {@code READY=1} with a human-readable status. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  public void stopping() {
    send("STOPPING=1");
  }

  public void reloading(String status) {
    send("RELOADING=1\nSTATUS=" + oneLine(status));
  }

  public void watchdog() {
    send("WATCHDOG=1");
  }

  private void send(String message) {
    if (socket.isEmpty()) {
      return;
    }
    try {
      LibC libc = libc();
      int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      try {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        libc.sendto(
            fd,
            bytes,
            bytes.length,
            0,
            SockaddrUn.of(socket.get()),
            SockaddrUn.length(socket.get()));
      } finally {
        libc.close(fd);
      }
    } catch (LastErrorException | UnsatisfiedLinkError | IllegalArgumentException e) {
      // The service keeps working; systemd will say it never became ready, which names the cause.
      LOG.warning("cannot notify systemd at " + socket.get() + ": " + e.getMessage());
    }
  }

  static LibC libc() {
    return NativeLibc.load(LibC.class);
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n]+", " ");
  }
}
