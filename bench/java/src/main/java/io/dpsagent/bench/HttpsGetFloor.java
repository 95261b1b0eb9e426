package io.dpsagent.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The floor of a Java DPS client: one TLS handshake and one GET to the emulator, verified against
 * its CA, with {@code HttpsURLConnection}, {@code java.net.http.HttpClient} or a plain {@link
 * SSLSocket} writing the request and reading the status line (what the agent's HTTPS transport
 * does, host name verified the same way).
 *
 * <p>Usage: {@code HttpsGetFloor urlconnection|httpclient|sslsocket URL CA_FILE [CHAIN KEY]}: with a
 * device's certificate chain and PKCS#8 key, it presents them when the server asks (the floor of
 * X.509 attestation, whose handshake also signs with the device's key).
 */
public final class HttpsGetFloor {
  private HttpsGetFloor() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[1]);
    SSLContext tls =
        args.length > 4
            ? Trust.sslContext(
                Path.of(args[2]),
                Trust.ClientKey.read(Path.of(args[3]), Path.of(args[4])).keyManagers())
            : Trust.sslContext(Path.of(args[2]));
    int status =
        switch (args[0]) {
          case "urlconnection" -> urlConnection(uri, tls);
          case "httpclient" -> httpClient(uri, tls);
          case "sslsocket" -> sslSocket(uri, tls);
          default ->
              throw new IllegalArgumentException(
                  "urlconnection, httpclient or sslsocket: " + args[0]);
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

  private static int sslSocket(URI uri, SSLContext tls) throws Exception {
    int port = uri.getPort() > 0 ? uri.getPort() : 443;
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(uri.getHost(), port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      String request =
          "GET "
              + uri.getRawPath()
              + " HTTP/1.1\r\nHost: "
              + uri.getHost()
              + ":"
              + port
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(answer.split(" ", 3)[1]);
    }
  }

  private static int httpClient(URI uri, SSLContext tls) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    return client
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
