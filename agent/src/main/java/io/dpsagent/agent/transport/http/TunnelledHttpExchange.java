package io.dpsagent.agent.transport.http;

import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.proxy.HttpTunnel;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 through an HTTP proxy tunnel, one request per connection.
 *
 * <p>Written by hand because {@code java.net.http} cannot serve here: with proxy credentials it
 * needs an {@link java.net.Authenticator}, and an authenticator makes it turn every 401 without a
 * {@code WWW-Authenticate} header (which is how DPS answers a bad SAS) into an exception, losing
 * the status and body the agent reports. The tunnel is the same {@link HttpTunnel} the MQTT
 * transports use, so all transports behave alike behind a proxy. Only what DPS needs is
 * implemented: a request with a Content-Length body, and an answer framed by Content-Length,
 * chunked encoding or the end of the connection.
 */
public final class TunnelledHttpExchange implements HttpExchange {

  private static final int MAX_HEADER_BYTES = 32 * 1024;

  private final SSLContext tls;
  private final ProxySettings proxy;
  private final Duration connectTimeout;

  public TunnelledHttpExchange(SSLContext tls, ProxySettings proxy, Duration connectTimeout) {
    this.tls = tls;
    this.proxy = proxy;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public Response send(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    Deadline deadline = Deadline.after(timeout);
    int port = uri.getPort() > 0 ? uri.getPort() : 443;
    Socket tunnel = HttpTunnel.open(proxy, uri.getHost(), port, deadline.capped(connectTimeout));
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(tunnel, uri.getHost(), port, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the host name is verified, always
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(deadline.socketTimeout());
      socket.startHandshake();
      writeRequest(socket.getOutputStream(), method, uri, port, headers, body);
      return readResponse(new BufferedInputStream(deadline.bound(socket, socket.getInputStream())));
    } catch (SocketTimeoutException e) {
      throw deadline.timedOut();
    } finally {
      tunnel.close();
    }
  }

  private static void writeRequest(
      OutputStream out, String method, URI uri, int port, Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(uri.getRawPath())
            .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(uri.getHost())
            .append(port == 443 ? "" : ":" + port)
            .append("\r\n")
            .append("Connection: close\r\n")
            .append("Content-Length: ")
            .append(body == null ? 0 : body.length)
            .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  static Response readResponse(InputStream in) throws IOException {
    in.mark(1);
    if (in.read() < 0) {
      throw new EOFException("the server closed the connection without answering");
    }
    in.reset();
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + statusLine);
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int headerBytes = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      headerBytes += line.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("answer headers larger than " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    byte[] body = readBody(in, headers);
    return new Response(
        status,
        Optional.ofNullable(headers.get("Retry-After")),
        Optional.ofNullable(headers.get("Date")),
        new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    if ("chunked"
        .equalsIgnoreCase(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
        body.write(readExactly(in, size, body.size()));
        readLine(in); // the CRLF after each chunk
      }
      return body.toByteArray();
    }
    String length = headers.get("Content-Length");
    if (length != null) {
      try {
        return readExactly(in, Integer.parseInt(length.strip()), 0);
      } catch (NumberFormatException e) {
        throw new IOException("invalid Content-Length: " + length);
      }
    }
    byte[] rest = in.readNBytes(MAX_BODY_BYTES + 1);
    if (rest.length > MAX_BODY_BYTES) {
      throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
    }
    return rest;
  }

  private static byte[] readExactly(InputStream in, int length, int alreadyRead)
      throws IOException {
    if (length < 0 || alreadyRead + length > MAX_BODY_BYTES) {
      throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new IOException(
          "connection closed after " + bytes.length + " of " + length + " body bytes");
    }
    return bytes;
  }

  private static int chunkSize(String line) throws IOException {
    try {
      int semicolon = line.indexOf(';');
      return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("invalid chunk size: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed in the middle of the answer");
      }
      if (line.size() > MAX_HEADER_BYTES) {
        throw new IOException("answer line longer than " + MAX_HEADER_BYTES + " bytes");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
