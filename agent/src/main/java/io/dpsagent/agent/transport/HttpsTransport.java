package io.dpsagent.agent.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.Version;
import io.dpsagent.agent.dps.DpsResponse;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.sas.SasToken;
import java.io.IOException;
import java.io.InputStream;
import io.dpsagent.agent.transport.proxy.ProxySettings;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The DPS device API over HTTPS ({@code java.net.http}): {@code PUT .../register} and
 * {@code GET .../operations/{id}}.
 */
public final class HttpsTransport implements DpsTransport {

  /** DPS answers are small; anything bigger is not DPS and is cut off rather than buffered. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    ProxySettings.allowBasicForTunnels();
  }

  private final URI base;
  private final String apiVersion;
  private final Duration requestTimeout;
  private final HttpClient http;

  public HttpsTransport(URI base, String apiVersion, SSLContext tls, Duration connectTimeout, Duration requestTimeout,
      Optional<ProxySettings> proxy) {
    this.base = base;
    this.apiVersion = apiVersion;
    this.requestTimeout = requestTimeout;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    proxy.ifPresent(p -> builder.proxy(ProxySelector.of(
        new InetSocketAddress(p.address().getHostString(), p.address().getPort()))));
    this.http = builder.build();
  }

  @Override
  public DpsResponse register(RegistrationRequest request, Optional<String> authorization) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("registrationId", request.registrationId());
    if (request.payloadJson().isPresent()) {
      body.set("payload", JSON.readTree(request.payloadJson().get()));
    }
    HttpRequest.Builder put = newRequest(registrationPath(request) + "/register", authorization)
        .header("Content-Type", "application/json; charset=utf-8")
        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
    return send(put.build());
  }

  @Override
  public DpsResponse poll(RegistrationRequest request, String operationId, Optional<String> authorization)
      throws IOException {
    String path = registrationPath(request) + "/operations/" + SasToken.encode(operationId);
    return send(newRequest(path, authorization).GET().build());
  }

  @Override
  public String describe() {
    return base.toString();
  }

  @Override
  public void close() {
    // java.net.http on Java 17 has no close(); its threads are daemons and end with the process.
  }

  private String registrationPath(RegistrationRequest request) {
    return "/" + SasToken.encode(request.idScope()) + "/registrations/" + SasToken.encode(request.registrationId());
  }

  private HttpRequest.Builder newRequest(String path, Optional<String> authorization) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path + "?api-version=" + SasToken.encode(apiVersion)))
        .timeout(requestTimeout)
        .header("Accept", "application/json")
        .header("User-Agent", Version.USER_AGENT);
    authorization.ifPresent(token -> builder.header("Authorization", token));
    return builder;
  }

  private DpsResponse send(HttpRequest request) throws IOException {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (response.body() == null) {
      // java.net.http answers a refused proxy CONNECT (e.g. 407) with the proxy's status and no body
      throw new IOException("proxy answered " + response.statusCode() + " to CONNECT"
          + (response.statusCode() == 407 ? "; check the proxy credentials" : ""));
    }
    String body;
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    return new DpsResponse(response.statusCode(),
        response.headers().firstValue("Retry-After").flatMap(HttpsTransport::retryAfter),
        response.headers().firstValue("Date").flatMap(HttpsTransport::httpDate),
        body);
  }

  /** DPS sends integer seconds; anything else (an HTTP date, garbage) is ignored. */
  public static Optional<Duration> retryAfter(String value) {
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
