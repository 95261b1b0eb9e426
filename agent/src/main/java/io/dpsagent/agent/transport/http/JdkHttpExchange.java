package io.dpsagent.agent.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** HTTP over {@code java.net.http}: the HTTPS transport's client when no proxy is in the way. */
public final class JdkHttpExchange implements HttpExchange {

  private final HttpClient http;

  public JdkHttpExchange(SSLContext tls, Duration connectTimeout) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The request timeout of {@code java.net.http} runs from the start: it bounds connect and TLS
   * too.
   */
  @Override
  public Response send(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
      }
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Retry-After"),
          response.headers().firstValue("Date"),
          new String(bytes, StandardCharsets.UTF_8));
    }
  }
}
