package io.dpsagent.agent.config;

import io.dpsagent.hsm.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * A DPS device endpoint as written in {@code global_endpoint}: {@code https://host[:port]},
 * {@code mqtts://host[:port]} or a bare {@code host[:port]}. Without a port, the transport's
 * default applies, so one config line serves every transport.
 */
public final class DpsEndpoint {

  private static final Set<String> SCHEMES = Set.of("https", "mqtts", "wss");

  private final String host;
  private final int port;

  private DpsEndpoint(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Parses an endpoint; {@code key} names the config key in errors. */
  public static DpsEndpoint parse(String text, String key) throws InvalidConfigException {
    String withScheme = text.contains("://") ? text : "https://" + text;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new InvalidConfigException(key,
          shown(text) + " is not a valid endpoint; use https://host[:port]");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new InvalidConfigException(key, "scheme '" + scheme + "' is not supported; use https://, mqtts:// or wss://host[:port]");
    }
    if (uri.getRawUserInfo() != null) { // not echoed: it may be a password
      throw new InvalidConfigException(key, "must not carry a user name or password; use https://host[:port]");
    }
    if (uri.getHost() == null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidConfigException(key,
          shown(text) + " must be just a host and optional port,"
          + " e.g. https://global.azure-devices-provisioning.net");
    }
    return new DpsEndpoint(uri.getHost(), uri.getPort());
  }

  /** The endpoint for a message, quoted and escaped; not shown at all when it may hold a password. */
  private static String shown(String text) {
    return text.indexOf('@') < 0 ? Printable.quote(text) : "the value (not shown: it contains '@', as credentials do)";
  }

  public String host() {
    return host;
  }

  /** The port for the given transport: the configured one, else the transport's default. */
  public int port(Transport transport) {
    return port > 0 ? port : transport.defaultPort();
  }

  /** The base URI of the HTTPS device API. */
  public URI httpsBase() {
    return URI.create("https://" + hostForUri() + ":" + port(Transport.HTTPS));
  }

  /** {@code host:port} for {@code transport}, bracketing IPv6 literals. */
  public String authority(Transport transport) {
    return hostForUri() + ":" + port(transport);
  }

  private String hostForUri() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return port > 0 ? hostForUri() + ":" + port : host;
  }
}
