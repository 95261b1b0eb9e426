package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal DPS service client over java.net.http, signing its own SAS tokens from the emulator's
 * service connection string as the Node service SDK does (sr = the connection string's HostName).
 */
public final class ServiceClient {

  public static final String API_VERSION = "2021-10-01";

  private final DeviceClient transport;
  private final URI endpoint;
  private final String hostName;
  private final String keyName;
  private final String key;

  public ServiceClient(DpsEmulator emulator) {
    Map<String, String> parts = parse(emulator.serviceConnectionString());
    this.transport = new DeviceClient(emulator.serviceEndpoint(), emulator.caFile());
    this.endpoint = emulator.serviceEndpoint();
    this.hostName = parts.get("HostName");
    this.keyName = parts.get("SharedAccessKeyName");
    this.key = parts.get("SharedAccessKey");
  }

  public String key() {
    return key;
  }

  public String hostName() {
    return hostName;
  }

  /** A valid token for an hour, signed over the HostName exactly as written. */
  public String token() {
    return token(hostName, keyName, key, Instant.now().getEpochSecond() + 3600);
  }

  public static String token(String resource, String keyName, String keyBase64, long expiry) {
    return "SharedAccessSignature sr="
        + resource
        + "&sig="
        + URLEncoder.encode(
            TestTokens.signature(keyBase64, resource, expiry), StandardCharsets.UTF_8)
        + "&se="
        + expiry
        + "&skn="
        + keyName;
  }

  /** PUTs {@code body}, checks that the answer is 200 and returns its JSON. */
  public JsonNode putOk(String path, String body) {
    HttpResponse<String> response = send("PUT", path, body);
    assertEquals(200, response.statusCode(), response::body);
    return DeviceClient.json(response);
  }

  public HttpResponse<String> send(String method, String pathAndQuery, String body) {
    return send(method, pathAndQuery, body, token(), Map.of());
  }

  /** {@code pathAndQuery} not mentioning api-version gets {@value #API_VERSION} appended. */
  public HttpResponse<String> send(
      String method,
      String pathAndQuery,
      String body,
      String authorization,
      Map<String, String> headers) {
    String target =
        pathAndQuery.contains("api-version")
            ? pathAndQuery
            : pathAndQuery
                + (pathAndQuery.contains("?") ? "&" : "?")
                + "api-version="
                + API_VERSION;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.resolve(target))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json; charset=utf-8");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    headers.forEach(request::header);
    return transport.send(request.build());
  }

  private static Map<String, String> parse(String connectionString) {
    Map<String, String> parts = new HashMap<>();
    for (String part : connectionString.split(";")) {
      int equals = part.indexOf('=');
      parts.put(part.substring(0, equals), part.substring(equals + 1));
    }
    return parts;
  }
}
