package io.dpsagent.agent.config;

import io.dpsagent.hsm.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A DPS device endpoint as written in {@code global_endpoint}: {@code https://host[:port]}, {@code
 * mqtts://host[:port]} or a bare {@code host[:port]}. Without a port, the transport's default
 * applies, so one config line serves every transport.
 */
public final class DpsEndpoint {

  private static final Set<String> SCHEMES = Set.of("https", "mqtts", "wss");

  private static final int MAX_PORT = 65_535;

  private final Optional<String> scheme;
  private final String host;
  private final int port;

  private DpsEndpoint(Optional<String> scheme, String host, int port) {
    this.scheme = scheme;
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
      throw new InvalidConfigException(
          key, shown(text) + " is not a valid endpoint; use https://host[:port]");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new InvalidConfigException(
          key,
          "scheme '" + scheme + "' is not supported; use https://, mqtts:// or wss://host[:port]");
    }
    if (uri.getRawUserInfo() != null) { // not echoed: it may be a password
      throw new InvalidConfigException(
          key, "must not carry a user name or password; use https://host[:port]");
    }
    if (uri.getHost() == null
        || (uri.getRawPath() != null
            && !uri.getRawPath().isEmpty()
            && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new InvalidConfigException(
          key,
          shown(text)
              + " must be just a host and optional port,"
              + " e.g. https://global.azure-devices-provisioning.net");
    }
    int port = uri.getPort();
    if (port == 0 || port > MAX_PORT) {
      throw new InvalidConfigException(
          key,
          "port "
              + port
              + " in '"
              + text
              + "' is out of range; use a port from 1 to "
              + MAX_PORT
              + ", or none for the transport's default");
    }
    return new DpsEndpoint(
        text.contains("://") ? Optional.of(scheme) : Optional.empty(), uri.getHost(), port);
  }

  /**
   * Refuses an endpoint whose scheme and explicit port say it serves another protocol than {@code
   * transport}: {@code mqtts://host:8883} with {@code transport = "https"} would open TLS and then
   * get no HTTP answer, which looks like a network fault. HTTPS and MQTT over WebSocket share a
   * port (443), so {@code https://} and {@code wss://} are interchangeable.
   */
  public void checkServes(Transport transport, String key, String transportKey)
      throws InvalidConfigException {
    if (scheme.isEmpty() || port < 0 || isMqtt(scheme.get()) == isMqtt(transport)) {
      return;
    }
    String wanted = isMqtt(transport) ? "mqtts" : transport == Transport.MQTT_WS ? "wss" : "https";
    throw new InvalidConfigException(
        key,
        "'"
            + scheme.get()
            + "://"
            + this
            + "' names "
            + (isMqtt(scheme.get()) ? "an MQTT" : "an HTTPS")
            + " port but "
            + transportKey
            + " = \""
            + transport.configName()
            + "\"; use "
            + wanted
            + "://"
            + hostForUri()
            + ":PORT with the port of that service, or set "
            + transportKey
            + " = \""
            + (isMqtt(scheme.get()) ? Transport.MQTT.configName() : Transport.HTTPS.configName())
            + "\"");
  }

  private static boolean isMqtt(String scheme) {
    return scheme.equals("mqtts");
  }

  private static boolean isMqtt(Transport transport) {
    return transport == Transport.MQTT || transport == Transport.MQTT5;
  }

  /**
   * The endpoint for a message, quoted and escaped; not shown at all when it may hold a password.
   */
  private static String shown(String text) {
    return text.indexOf('@') < 0
        ? Printable.quote(text)
        : "the value (not shown: it contains '@', as credentials do)";
  }

  public String host() {
    return host;
  }

  /** Whether {@code global_endpoint} names a port (else each transport uses its default). */
  public boolean hasPort() {
    return port > 0;
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
