package io.dpsagent.agent.transport.proxy;

import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP proxy that DPS traffic is tunnelled through with {@code CONNECT}: HTTPS, MQTT and
 * WebSocket alike. Credentials, when given, are sent as HTTP Basic and are never shown by
 * {@link #toString()}.
 */
public final class ProxySettings {

  private final String host;
  private final int port;
  private final Optional<PasswordAuthentication> credentials;

  private ProxySettings(String host, int port, Optional<PasswordAuthentication> credentials) {
    this.host = host;
    this.port = port;
    this.credentials = credentials;
  }



  /**
   * Parses {@code http://[user:password@]host[:port]} (port 8080 when absent, user and password
   * percent-decoded).
   *
   * @throws IllegalArgumentException naming the problem, never echoing credentials
   */
  public static ProxySettings parse(String text) {
    URI uri;
    try {
      uri = new URI(text.contains("://") ? text : "http://" + text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("proxy is not a valid URI; use http://[user:password@]host:port");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("proxy must be http://[user:password@]host[:port]");
    }
    Optional<PasswordAuthentication> credentials = Optional.ofNullable(uri.getRawUserInfo()).map(info -> {
      int colon = info.indexOf(':');
      String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
      String password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
      return new PasswordAuthentication(user, password.toCharArray());
    });
    return new ProxySettings(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 8080, credentials);
  }

  /**
   * The proxy for {@code targetHost}: the configured one, else {@code https_proxy}/{@code HTTPS_PROXY}
   * from the environment, unless {@code no_proxy}/{@code NO_PROXY} lists the host (or a domain
   * suffix of it, or {@code *}).
   */
  public static Optional<ProxySettings> resolve(Optional<String> configured, Map<String, String> environment,
      String targetHost) {
    if (configured.isPresent()) {
      return Optional.of(parse(configured.get()));
    }
    Optional<String> fromEnvironment = first(environment, "https_proxy", "HTTPS_PROXY");
    if (fromEnvironment.isEmpty() || bypassed(first(environment, "no_proxy", "NO_PROXY").orElse(""), targetHost)) {
      return Optional.empty();
    }
    return Optional.of(parse(fromEnvironment.get()));
  }

  public InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The {@code Proxy-Authorization} value, when credentials were given. */
  public Optional<String> proxyAuthorization() {
    return credentials.map(c -> "Basic " + Base64.getEncoder().encodeToString(
        (c.getUserName() + ":" + new String(c.getPassword())).getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "http://" + (credentials.isPresent() ? "***@" : "") + host + ":" + port;
  }

  private static Optional<String> first(Map<String, String> environment, String... names) {
    for (String name : names) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    return Optional.empty();
  }

  private static boolean bypassed(String noProxy, String targetHost) {
    String host = targetHost.toLowerCase(Locale.ROOT);
    for (String entry : noProxy.split(",")) {
      String rule = entry.strip().toLowerCase(Locale.ROOT);
      if (rule.equals("*")) {
        return true;
      }
      String suffix = rule.startsWith(".") ? rule : "." + rule;
      if (!rule.isEmpty() && (host.equals(rule.replaceFirst("^\\.", "")) || host.endsWith(suffix))) {
        return true;
      }
    }
    return false;
  }
}
