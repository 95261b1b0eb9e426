package io.dpsagent.agent.transport.http;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.Version;
import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.dps.DpsMessages;
import io.dpsagent.agent.dps.DpsResponse;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.dps.Operation;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.transport.ConnectionFailures;
import io.dpsagent.agent.transport.ProtocolMismatchException;
import io.dpsagent.agent.transport.ProtocolProbe;
import io.dpsagent.agent.transport.RetryAfter;
import io.dpsagent.agent.transport.proxy.TunnellingSslSocketFactory;
import io.dpsagent.common.PercentEncoding;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The DPS device API over HTTPS: {@code PUT .../register} and {@code GET .../operations/{id}}, over
 * one HTTP/1.1 connection ({@link Http11Exchange}), direct or through an HTTP proxy tunnel when one
 * is configured.
 */
public final class HttpsTransport implements DpsTransport {

  private final URI base;
  private final String apiVersion;
  private final Http11Exchange http;
  private final ProtocolProbe probe;

  public HttpsTransport(
      URI base,
      String apiVersion,
      SSLContext tls,
      Duration connectTimeout,
      Optional<ProxySettings> proxy) {
    this.base = base;
    this.apiVersion = apiVersion;
    this.http = new Http11Exchange(tls, proxy, connectTimeout);
    this.probe =
        new ProtocolProbe(
            proxy
                .<SSLSocketFactory>map(
                    p -> new TunnellingSslSocketFactory(tls.getSocketFactory(), p, connectTimeout))
                .orElse(tls.getSocketFactory()),
            connectTimeout);
  }

  @Override
  public DpsResponse register(
      RegistrationRequest request, Optional<String> authorization, Duration timeout)
      throws IOException {
    Map<String, String> headers = headers(authorization);
    headers.put("Content-Type", "application/json; charset=utf-8");
    return send(
        "PUT",
        registrationPath(request) + "/register",
        headers,
        DpsMessages.registrationBody(request),
        timeout);
  }

  @Override
  public DpsResponse poll(Operation operation, Optional<String> authorization, Duration timeout)
      throws IOException {
    String path =
        registrationPath(operation.request())
            + "/operations/"
            + PercentEncoding.encode(operation.id());
    return send("GET", path, headers(authorization), null, timeout);
  }

  @Override
  public AgentException failure(IOException e) {
    return ConnectionFailures.classify(e, describe());
  }

  @Override
  public String describe() {
    return base.toString();
  }

  @Override
  public void close() {
    http.close();
  }

  private String registrationPath(RegistrationRequest request) {
    return "/"
        + PercentEncoding.encode(request.idScope())
        + "/registrations/"
        + PercentEncoding.encode(request.registrationId());
  }

  private static Map<String, String> headers(Optional<String> authorization) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    headers.put("User-Agent", Version.USER_AGENT);
    authorization.ifPresent(token -> headers.put("Authorization", token));
    return headers;
  }

  private DpsResponse send(
      String method, String path, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    URI uri = base.resolve(path + "?api-version=" + PercentEncoding.encode(apiVersion));
    HttpExchange.Response response;
    try {
      response = http.send(method, uri, headers, body, timeout);
    } catch (IOException e) {
      throw ConnectionFailures.closedWithoutAnswer(e)
              && probe.answersMqtt(base.getHost(), base.getPort())
          ? new ProtocolMismatchException(
              base
                  + " answers MQTT, not HTTPS: name the HTTPS port in global_endpoint"
                  + " (443 on DPS), or set transport = \"mqtt\"",
              e)
          : e;
    }
    return new DpsResponse(
        response.status(),
        response.retryAfter().flatMap(RetryAfter::parse),
        response.date().flatMap(HttpsTransport::httpDate),
        response.body());
  }

  static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
