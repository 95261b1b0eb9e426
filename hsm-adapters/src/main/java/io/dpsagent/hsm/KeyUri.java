package io.dpsagent.hsm;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to key material, written as a URI as the IoT Identity Service does ({@code
 * file:///etc/dps-agent/device.key}, {@code pkcs11:token=gw;object=device}).
 *
 * <p>The URI names where a key lives; it never contains the key itself, so it is safe to log.
 */
public final class KeyUri {

  /** Where the key lives. */
  public enum Scheme {
    FILE,
    PKCS11,
    TPM
  }

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,15}:");

  private final Scheme scheme;
  private final String text;
  private final Path path;
  private final Pkcs11Uri pkcs11;
  private final TpmKeyUri tpm;

  private KeyUri(Scheme scheme, String text, Path path, Pkcs11Uri pkcs11, TpmKeyUri tpm) {
    this.scheme = scheme;
    this.text = text;
    this.path = path;
    this.pkcs11 = pkcs11;
    this.tpm = tpm;
  }

  /**
   * Parses a key reference.
   *
   * @throws IllegalArgumentException with a one-line explanation that names the accepted forms
   */
  public static KeyUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is empty; use file:///path/to/key or pkcs11:...");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("pkcs11:")) {
      Pkcs11Uri parsed = Pkcs11Uri.parse(text);
      return new KeyUri(Scheme.PKCS11, parsed.toString(), null, parsed, null); // no pin-value
    }
    if (lower.startsWith("tpm:")) {
      TpmKeyUri parsed = TpmKeyUri.parse(text);
      return new KeyUri(Scheme.TPM, parsed.toString(), null, null, parsed);
    }
    if (!lower.startsWith("file:")) {
      // Not echoed: what stands where a key URI belongs may be the key itself, pasted.
      throw new IllegalArgumentException(
          "unsupported key URI"
              + scheme(text)
              + "; use file:///absolute/path or pkcs11:..."
              + (text.startsWith("/") ? " (a local path is written file:///etc/...)" : ""));
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed key URI " + shown(text) + ": " + Printable.escape(e.getReason()));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "key URI " + shown(text) + " must not have a query or fragment");
    }
    if (uri.getPath() == null
        || !uri.getPath().startsWith("/")
        || (uri.getAuthority() != null
            && !uri.getAuthority().isEmpty()
            && !"localhost".equalsIgnoreCase(uri.getAuthority()))) {
      throw new IllegalArgumentException(
          "key URI "
              + shown(text)
              + " must name an absolute local path, e.g. file:///etc/dps-agent/device.key");
    }
    try {
      return new KeyUri(Scheme.FILE, text, Path.of(uri.getPath()), null, null);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("key URI " + shown(text) + " is not a valid local path");
    }
  }

  /** A file: URI for a message: up to any query or fragment, which is never shown. */
  private static String shown(String text) {
    int end = text.length();
    for (char c : new char[] {'?', '#'}) {
      int at = text.indexOf(c);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    return Printable.quote(text.substring(0, end));
  }

  /** " (scheme 'x:')" when the text starts with something shaped like a URI scheme, else "". */
  private static String scheme(String text) {
    Matcher scheme = SCHEME.matcher(text);
    return scheme.lookingAt() ? " (scheme '" + scheme.group() + "')" : "";
  }

  /** Builds a {@code file:} reference to a local path. */
  public static KeyUri ofFile(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return new KeyUri(Scheme.FILE, absolute.toUri().toString(), absolute, null, null);
  }

  /**
   * A {@code pkcs11:} reference to {@code uri} (its PIN, if written inline, kept for the login).
   */
  public static KeyUri ofPkcs11(Pkcs11Uri uri) {
    return new KeyUri(Scheme.PKCS11, uri.toString(), null, uri, null);
  }

  /** A {@code tpm:} reference to {@code uri}. */
  public static KeyUri ofTpm(TpmKeyUri uri) {
    return new KeyUri(Scheme.TPM, uri.toString(), null, null, uri);
  }

  public Scheme scheme() {
    return scheme;
  }

  /** True for a {@code file:} reference: the material sits in a local file, whatever its format. */
  public boolean isFile() {
    return scheme == Scheme.FILE;
  }

  /**
   * True when the key's home keeps certificates next to the key (a PKCS#11 token), so an X.509
   * identity there needs no separate chain file.
   */
  public boolean keepsCertificates() {
    return scheme == Scheme.PKCS11;
  }

  /** What an operator should hear about how this reference is written; never a secret. */
  public List<String> warnings() {
    return scheme == Scheme.PKCS11 && pkcs11.hasInlinePin()
        ? List.of(
            text
                + " carries its PIN in pin-value, readable by anyone who can read the config;"
                + " prefer pin-source=file:/path (mode 0600)")
        : List.of();
  }

  /** The local path of a {@code file:} reference. */
  public Path path() {
    if (scheme != Scheme.FILE) {
      throw new IllegalStateException(text + " is not a file: URI");
    }
    return path;
  }

  /** The parsed form of a {@code pkcs11:} reference. */
  public Pkcs11Uri pkcs11() {
    if (scheme != Scheme.PKCS11) {
      throw new IllegalStateException(text + " is not a pkcs11: URI");
    }
    return pkcs11;
  }

  /** The parsed form of a {@code tpm:} reference. */
  public TpmKeyUri tpm() {
    if (scheme != Scheme.TPM) {
      throw new IllegalStateException(text + " is not a tpm: URI");
    }
    return tpm;
  }

  /** The reference as written, except that a PKCS#11 {@code pin-value} shows as {@code ***}. */
  @Override
  public String toString() {
    return text;
  }
}
