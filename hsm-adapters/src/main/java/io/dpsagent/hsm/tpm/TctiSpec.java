package io.dpsagent.hsm.tpm;

import io.dpsagent.common.ConstantNames;
import io.dpsagent.hsm.Printable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the TPM is, written as a tpm2-tss TCTI string, the way {@code tpm2-tools -T} takes it, so
 * the same value works for both:
 *
 * <ul>
 *   <li>{@code device:/dev/tpmrm0}: a TPM character device ({@code device} alone, or an empty
 *       string, means {@code /dev/tpmrm0}, the kernel resource manager);
 *   <li>{@code swtpm:host=127.0.0.1,port=2321}: swtpm's TCP server; its control channel is on
 *       {@code port + 1} (defaults host 127.0.0.1, port 2321);
 *   <li>{@code mssim:host=127.0.0.1,port=2321}: the Microsoft reference simulator; its platform
 *       port is {@code port + 1} (same defaults).
 * </ul>
 *
 * <p>The spec only names a place; it holds no secret, so it is safe to log.
 */
public final class TctiSpec {

  /** The kinds of TCTI this agent speaks. */
  public enum Kind {
    DEVICE,
    SWTPM,
    MSSIM;

    /** The TCTI name as tpm2-tss spells it. */
    public String prefix() {
      return ConstantNames.lowerCase(this);
    }
  }

  public static final String DEFAULT_DEVICE = "/dev/tpmrm0";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 2321;

  private final Kind kind;
  private final String path;
  private final String host;
  private final int port;

  private TctiSpec(Kind kind, String path, String host, int port) {
    this.kind = kind;
    this.path = path;
    this.host = host;
    this.port = port;
  }

  /** A character device such as {@code /dev/tpmrm0}. */
  public static TctiSpec device(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("TPM device path is empty");
    }
    return new TctiSpec(Kind.DEVICE, path, null, 0);
  }

  /** swtpm listening on {@code host:port} (commands) and {@code host:port+1} (control). */
  public static TctiSpec swtpm(String host, int port) {
    return new TctiSpec(Kind.SWTPM, null, checkHost(host, "swtpm"), checkPort(port, "swtpm"));
  }

  /** The Microsoft simulator on {@code host:port} (commands) and {@code host:port+1} (platform). */
  public static TctiSpec mssim(String host, int port) {
    return new TctiSpec(Kind.MSSIM, null, checkHost(host, "mssim"), checkPort(port, "mssim"));
  }

  /**
   * Parses a TCTI string.
   *
   * @throws IllegalArgumentException with a one-line message naming the part that is wrong
   */
  public static TctiSpec parse(String text) {
    if (text == null || text.isBlank()) {
      return device(DEFAULT_DEVICE);
    }
    String trimmed = text.strip();
    int colon = trimmed.indexOf(':');
    String name = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
    String config = colon < 0 ? "" : trimmed.substring(colon + 1);
    switch (name) {
      case "device":
        return device(config.isBlank() ? DEFAULT_DEVICE : config.strip());
      case "swtpm":
      case "mssim":
        return parseSocket(trimmed, name, config);
      default:
        throw new IllegalArgumentException(
            "TCTI "
                + Printable.quote(trimmed)
                + ": unsupported TCTI "
                + Printable.quote(name)
                + "; use device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321 or mssim:host=...,port=...");
    }
  }

  private static TctiSpec parseSocket(String text, String name, String config) {
    Map<String, String> options = new LinkedHashMap<>();
    if (!config.isBlank()) {
      for (String part : config.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "TCTI "
                  + Printable.quote(text)
                  + ": option "
                  + Printable.quote(part)
                  + " is not key=value (expected host=... or port=...)");
        }
        String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = part.substring(eq + 1).strip();
        if (!key.equals("host") && !key.equals("port")) {
          throw new IllegalArgumentException(
              "TCTI "
                  + Printable.quote(text)
                  + ": unknown option "
                  + Printable.quote(key)
                  + " (only host and port are supported)");
        }
        if (value.isEmpty()) {
          throw new IllegalArgumentException(
              "TCTI " + Printable.quote(text) + ": option " + Printable.quote(key) + " is empty");
        }
        if (options.put(key, value) != null) {
          throw new IllegalArgumentException(
              "TCTI "
                  + Printable.quote(text)
                  + ": option "
                  + Printable.quote(key)
                  + " is given twice");
        }
      }
    }
    String host = options.getOrDefault("host", DEFAULT_HOST);
    int port = DEFAULT_PORT;
    String portText = options.get("port");
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65534) {
        throw new IllegalArgumentException(
            "TCTI "
                + Printable.quote(text)
                + ": port "
                + Printable.quote(portText)
                + " is not a number between 1 and 65534 (the next port is the control port)");
      }
    }
    return name.equals("swtpm") ? swtpm(host, port) : mssim(host, port);
  }

  private static String checkHost(String host, String name) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(name + " TCTI host is empty");
    }
    return host;
  }

  private static int checkPort(int port, String name) {
    if (port < 1 || port > 65534) {
      throw new IllegalArgumentException(
          name
              + " TCTI port "
              + port
              + " is not between 1 and 65534 (the next port is the control port)");
    }
    return port;
  }

  public Kind kind() {
    return kind;
  }

  /** The device path of a {@code device:} TCTI. */
  public String path() {
    requireKind(Kind.DEVICE);
    return path;
  }

  /** The host of a socket TCTI. */
  public String host() {
    requireSocket();
    return host;
  }

  /** The TPM command port of a socket TCTI. */
  public int port() {
    requireSocket();
    return port;
  }

  /** swtpm's control port or the simulator's platform port: always {@code port() + 1}. */
  public int controlPort() {
    requireSocket();
    return port + 1;
  }

  private void requireKind(Kind expected) {
    if (kind != expected) {
      throw new IllegalStateException(this + " is not a " + expected.prefix() + " TCTI");
    }
  }

  private void requireSocket() {
    if (kind == Kind.DEVICE) {
      throw new IllegalStateException(this + " is not a socket TCTI");
    }
  }

  /** The canonical TCTI string, accepted by {@link #parse} and by tpm2-tools. */
  @Override
  public String toString() {
    return kind == Kind.DEVICE
        ? "device:" + path
        : kind.prefix() + ":host=" + host + ",port=" + port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TctiSpec other
        && kind == other.kind
        && Objects.equals(path, other.path)
        && Objects.equals(host, other.host)
        && port == other.port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, path, host, port);
  }
}
