package io.dpsagent.agent.config;

import io.dpsagent.common.PercentEncoding;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP proxy that DPS traffic is tunnelled through with {@code CONNECT}: HTTPS, MQTT and
 * WebSocket alike. Credentials, when given, are sent as HTTP Basic and are never shown by {@link
 * #toString()}.
 */
public final class ProxySettings {

  /** The config key a proxy is set by. */
  public static final String CONFIG_KEY = "provisioning.proxy";

  private static final int DEFAULT_PORT = 8080;
  private static final int MAX_PORT = 65_535;

  private final String host;
  private final int port;
  private final Optional<PasswordAuthentication> credentials;
  private final String origin;

  private ProxySettings(
      String host, int port, Optional<PasswordAuthentication> credentials, String origin) {
    this.host = host;
    this.port = port;
    this.credentials = credentials;
    this.origin = origin;
  }

  /**
   * Parses {@code http://[user:password@]host[:port]} (port 8080 when absent; user and password
   * percent-decoded as RFC 3986 user-info, so {@code +} stays a plus).
   *
   * @param origin where the text came from ({@code provisioning.proxy}, {@code https_proxy}), for
   *     messages
   * @throws IllegalArgumentException naming the problem, never echoing credentials
   */
  public static ProxySettings parse(String text, String origin) {
    URI uri;
    try {
      uri = new URI(text.contains("://") ? text : "http://" + text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "proxy is not a valid URI; use http://[user:password@]host:port");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("proxy must be http://[user:password@]host[:port]");
    }
    if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
      throw new IllegalArgumentException(
          "proxy port "
              + uri.getPort()
              + " is out of range; use a port from 1 to "
              + MAX_PORT
              + " (or none for "
              + DEFAULT_PORT
              + ")");
    }
    Optional<PasswordAuthentication> credentials =
        Optional.ofNullable(uri.getRawUserInfo())
            .map(
                info -> {
                  int colon = info.indexOf(':');
                  String user =
                      PercentEncoding.decode(
                          colon < 0 ? info : info.substring(0, colon), "proxy user name");
                  String password =
                      colon < 0
                          ? ""
                          : PercentEncoding.decode(info.substring(colon + 1), "proxy password");
                  return new PasswordAuthentication(user, password.toCharArray());
                });
    return new ProxySettings(
        uri.getHost(), uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT, credentials, origin);
  }

  /**
   * The proxy for {@code targetHost}: the configured one, else {@code https_proxy}/{@code
   * HTTPS_PROXY} from the environment, unless {@code no_proxy}/{@code NO_PROXY} lists the host (or
   * a domain suffix of it, or {@code *}).
   */
  public static Optional<ProxySettings> resolve(
      Optional<String> configured, Map<String, String> environment, String targetHost) {
    if (configured.isPresent()) {
      return Optional.of(parse(configured.get(), CONFIG_KEY));
    }
    Optional<String> variable = first(environment, "https_proxy", "HTTPS_PROXY");
    if (variable.isEmpty()
        || bypassed(
            first(environment, "no_proxy", "NO_PROXY").map(environment::get).orElse(""),
            targetHost)) {
      return Optional.empty();
    }
    return Optional.of(parse(environment.get(variable.get()).strip(), variable.get()));
  }

  /** The variable {@link #resolve} takes the proxy from when the config names none. */
  public static Optional<String> environmentVariable(Map<String, String> environment) {
    return first(environment, "https_proxy", "HTTPS_PROXY");
  }

  public InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The {@code Proxy-Authorization} value, when credentials were given. */
  public Optional<String> proxyAuthorization() {
    return credentials.map(
        c ->
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (c.getUserName() + ":" + new String(c.getPassword()))
                            .getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The proxy and where it was configured, e.g. {@code http://10.0.0.1:3128 (from https_proxy)}.
   */
  public String describe() {
    return this + " (from " + origin + ")";
  }

  @Override
  public String toString() {
    return "http://" + (credentials.isPresent() ? "***@" : "") + host + ":" + port;
  }

  /** The first of {@code names} set to a non-blank value. */
  private static Optional<String> first(Map<String, String> environment, String... names) {
    for (String name : names) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(name);
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
      if (!rule.isEmpty()
          && (host.equals(rule.replaceFirst("^\\.", "")) || host.endsWith(suffix))) {
        return true;
      }
    }
    return false;
  }
}
