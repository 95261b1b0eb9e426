package io.dpsagent.agent.transport.http;

import io.dpsagent.agent.transport.http.HttpExchange.Response;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HTTP/1.1 framing {@link Http11Exchange} speaks: a request with a Content-Length body written
 * as one buffer, and an answer read from a stream, framed by Content-Length, chunked encoding or
 * the end of the connection, with every line and body bounded. Apart from the connections, so that
 * the parsing of hostile answers is testable on a byte stream.
 */
final class Http11Messages {

  private static final int MAX_HEADER_BYTES = 32 * 1024;

  private Http11Messages() {}

  static byte[] request(
      String method, URI uri, int port, Map<String, String> headers, byte[] body) {
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
            .append("Content-Length: ")
            .append(body == null ? 0 : body.length)
            .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    byte[] bytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return bytes;
    }
    byte[] request = Arrays.copyOf(bytes, bytes.length + body.length);
    System.arraycopy(body, 0, request, bytes.length, body.length);
    return request; // one write: one TLS record for a small request
  }

  /** As the HTTPS transport reads an answer; the connection's fate is the caller's. */
  static Response readResponse(InputStream in) throws IOException {
    return read(in).response();
  }

  /** An answer, and whether its connection may carry the next request. */
  record Answer(Response response, boolean keepAlive) {}

  static Answer read(InputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("the server closed the connection without answering");
    }
    String statusLine = readLine(in, first);
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
    boolean chunked =
        "chunked"
            .equalsIgnoreCase(
                headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT));
    byte[] body = chunked ? readChunked(in) : readBody(in, headers);
    boolean framed =
        chunked && trailersRead(in) || !chunked && headers.containsKey("Content-Length");
    boolean keepAlive =
        framed
            && parts[0].equals("HTTP/1.1")
            && !headers.getOrDefault("Connection", "").toLowerCase(Locale.ROOT).contains("close");
    return new Answer(
        new Response(
            status,
            Optional.ofNullable(headers.get("Retry-After")),
            Optional.ofNullable(headers.get("Date")),
            new String(body, StandardCharsets.UTF_8)),
        keepAlive);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
      body.write(readExactly(in, size, body.size()));
      readLine(in); // the CRLF after each chunk
    }
    return body.toByteArray();
  }

  /**
   * Reads the trailer section after the last chunk, up to its blank line; false when the server
   * closed the connection before it, which spoils only the connection, not the answer.
   */
  private static boolean trailersRead(InputStream in) {
    try {
      for (int lines = 0; lines < 100; lines++) {
        if (readLine(in).isEmpty()) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    String length = headers.get("Content-Length");
    if (length != null) {
      try {
        return readExactly(in, Integer.parseInt(length.strip()), 0);
      } catch (NumberFormatException e) {
        throw new IOException("invalid Content-Length: " + length);
      }
    }
    byte[] rest = in.readNBytes(HttpExchange.MAX_BODY_BYTES + 1);
    if (rest.length > HttpExchange.MAX_BODY_BYTES) {
      throw new IOException("response body larger than " + HttpExchange.MAX_BODY_BYTES + " bytes");
    }
    return rest;
  }

  private static byte[] readExactly(InputStream in, int length, int alreadyRead)
      throws IOException {
    if (length < 0 || alreadyRead + length > HttpExchange.MAX_BODY_BYTES) {
      throw new IOException("response body larger than " + HttpExchange.MAX_BODY_BYTES + " bytes");
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
    return readLine(in, in.read());
  }

  /** The line that starts with {@code first}, a byte already read. */
  private static String readLine(InputStream in, int first) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = first; b != '\n'; b = in.read()) {
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
