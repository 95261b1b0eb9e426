package io.dpsagent.hsm;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A reference to key material, written as a URI as the IoT Identity Service does
 * ({@code file:///etc/dps-agent/device.key}, {@code pkcs11:token=gw;object=device}).
 *
 * <p>The URI names where a key lives; it never contains the key itself, so it is safe to log.
 */
public final class KeyUri {

  /** Where the key lives. */
  public enum Scheme { FILE, PKCS11 }

  private final Scheme scheme;
  private final String text;
  private final Path path;

  private KeyUri(Scheme scheme, String text, Path path) {
    this.scheme = scheme;
    this.text = text;
    this.path = path;
  }

  /**
   * Parses a key reference.
   *
   * @throws IllegalArgumentException with a one-line explanation that names the accepted forms
   */
  public static KeyUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("key URI is empty; use file:///path/to/key or pkcs11:...");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("pkcs11:")) {
      return new KeyUri(Scheme.PKCS11, text, null);
    }
    if (!lower.startsWith("file:")) {
      throw new IllegalArgumentException(
          "unsupported key URI '" + text + "'; use file:///absolute/path or pkcs11:...");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed key URI '" + text + "': " + e.getReason());
    }
    if (uri.getPath() == null || !uri.getPath().startsWith("/")
        || (uri.getAuthority() != null && !uri.getAuthority().isEmpty()
            && !"localhost".equalsIgnoreCase(uri.getAuthority()))) {
      throw new IllegalArgumentException(
          "key URI '" + text + "' must name an absolute local path, e.g. file:///etc/dps-agent/device.key");
    }
    return new KeyUri(Scheme.FILE, text, Path.of(uri.getPath()));
  }

  /** Builds a {@code file:} reference to a local path. */
  public static KeyUri ofFile(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return new KeyUri(Scheme.FILE, absolute.toUri().toString(), absolute);
  }

  public Scheme scheme() {
    return scheme;
  }

  /** The local path of a {@code file:} reference. */
  public Path path() {
    if (scheme != Scheme.FILE) {
      throw new IllegalStateException(text + " is not a file: URI");
    }
    return path;
  }

  @Override
  public String toString() {
    return text;
  }
}
