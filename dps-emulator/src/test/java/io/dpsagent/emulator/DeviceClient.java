package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A minimal DPS device over java.net.http, trusting only the emulator's CA file. */
public final class DeviceClient {

  public static final String API_VERSION = "2021-06-01";
  public static final String TIMESTAMP_PATTERN =
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SSLContext sslContext;
  private final HttpClient http;
  private final URI endpoint;

  public DeviceClient(URI endpoint, Path caFile, String... tlsProtocols) {
    this(endpoint, TestTls.trusting(caFile), tlsProtocols);
  }

  /** A client on {@code sslContext}, e.g. one that presents an X.509 device certificate. */
  public DeviceClient(URI endpoint, SSLContext sslContext, String... tlsProtocols) {
    SSLParameters parameters = new SSLParameters();
    if (tlsProtocols.length > 0) {
      parameters.setProtocols(tlsProtocols);
    }
    this.sslContext = sslContext;
    this.http =
        HttpClient.newBuilder()
            .sslContext(sslContext)
            .sslParameters(parameters)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.endpoint = endpoint;
  }

  public DeviceClient(DpsEmulator emulator) {
    this(emulator.httpsEndpoint(), emulator.caFile());
  }

  /** PUT {scope}/registrations/{id}/register with the segments inserted as given. */
  public HttpResponse<String> register(
      String idScope, String rawRegistrationId, String authorization, String body) {
    HttpRequest.Builder request =
        request(idScope + "/registrations/" + rawRegistrationId + "/register")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  public HttpResponse<String> poll(
      String idScope, String rawRegistrationId, String operationId, String authorization) {
    HttpRequest.Builder request =
        request(idScope + "/registrations/" + rawRegistrationId + "/operations/" + operationId)
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  /** A request to {@code path} (relative, no leading slash) with the api-version query. */
  public HttpRequest.Builder request(String path) {
    return requestTo("/" + path + "?api-version=" + API_VERSION);
  }

  /** A request to {@code pathAndQuery} exactly as given (its own api-version, or none). */
  public HttpRequest.Builder requestTo(String pathAndQuery) {
    return HttpRequest.newBuilder(endpoint.resolve(pathAndQuery))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json; charset=utf-8")
        .timeout(Duration.ofSeconds(30));
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends {@code method target} as raw HTTP/1.1 over TLS, for requests java.net.http refuses to
   * make (such as a malformed percent escape). Returns the whole response text.
   */
  public String sendRaw(String method, String target) {
    SSLSocketFactory factory = sslContext.getSocketFactory();
    try (SSLSocket socket =
        (SSLSocket) factory.createSocket(endpoint.getHost(), endpoint.getPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(30_000);
      String request =
          method
              + " "
              + target
              + " HTTP/1.1\r\nHost: "
              + endpoint.getAuthority()
              + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts a DPS error response: status, errorCode in body and header, and the other fields. */
  public static void assertError(HttpResponse<String> response, int status, int errorCode) {
    assertEquals(status, response.statusCode(), response::body);
    JsonNode body = json(response);
    assertEquals(errorCode, body.path("errorCode").asInt(), response::body);
    assertEquals(
        String.valueOf(errorCode), response.headers().firstValue("x-ms-error-code").orElse(""));
    assertTrue(body.path("trackingId").asText().matches("[0-9a-f-]{36}"), response::body);
    // As in traces of the real service: the request ID is the tracking ID.
    assertEquals(
        body.path("trackingId").asText(),
        response.headers().firstValue("x-ms-request-id").orElse(""),
        response::body);
    assertFalse(body.path("message").asText().isEmpty(), response::body);
    assertTrue(body.path("timestampUtc").asText().matches(TIMESTAMP_PATTERN), response::body);
  }
}
