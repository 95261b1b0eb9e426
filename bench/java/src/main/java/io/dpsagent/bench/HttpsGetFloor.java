package io.dpsagent.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * The floor of a Java DPS client: one TLS handshake and one GET to the emulator, verified against
 * its CA, with either {@code HttpsURLConnection} or {@code java.net.http.HttpClient}.
 *
 * <p>Usage: {@code HttpsGetFloor urlconnection|httpclient URL CA_FILE}
 */
public final class HttpsGetFloor {
  private HttpsGetFloor() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[1]);
    SSLContext tls = Trust.sslContext(Path.of(args[2]));
    int status =
        switch (args[0]) {
          case "urlconnection" -> urlConnection(uri, tls);
          case "httpclient" -> httpClient(uri, tls);
          default -> throw new IllegalArgumentException("urlconnection or httpclient: " + args[0]);
        };
    System.out.println(status);
  }

  private static int urlConnection(URI uri, SSLContext tls) throws Exception {
    HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection();
    connection.setSSLSocketFactory(tls.getSocketFactory());
    int status = connection.getResponseCode();
    InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
    if (body != null) {
      body.readAllBytes();
    }
    return status;
  }

  private static int httpClient(URI uri, SSLContext tls) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    return client
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
