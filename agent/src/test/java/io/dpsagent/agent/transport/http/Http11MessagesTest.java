package io.dpsagent.agent.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How answers are framed and where they may break: the hand-written HTTP reader's contract. */
class Http11MessagesTest {

  private static HttpExchange.Response read(String wire) throws IOException {
    return Http11Messages.readResponse(
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** What reading {@code wire} fails with. */
  private static String failure(String wire) {
    return assertThrows(IOException.class, () -> read(wire)).getMessage();
  }

  @Test
  void readsAContentLengthAnswerWithTheHeadersDpsClientsUse() throws Exception {
    HttpExchange.Response r =
        read(
            "HTTP/1.1 202 Accepted\r\nretry-after: 3\r\nDate: Fri, 27 Nov 2026 10:00:00 GMT\r\n"
                + "Content-Length: 13\r\n\r\n{\"status\":1}\nEXTRA");
    assertEquals(
        new HttpExchange.Response(
            202,
            Optional.of("3"),
            Optional.of("Fri, 27 Nov 2026 10:00:00 GMT"),
            "{\"status\":1}\n"),
        r);
  }

  @Test
  void readsAChunkedAnswer() throws Exception {
    HttpExchange.Response r =
        read(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n");
    assertEquals("{\"a\":1}", r.body());
  }

  @Test
  void readsToTheEndWithoutFraming() throws Exception {
    assertEquals("bye", read("HTTP/1.0 401 Unauthorized\r\n\r\nbye").body());
  }

  @Test
  void aTruncatedBodyIsAnError() {
    assertEquals(
        "connection closed after 3 of 10 body bytes",
        failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
  }

  @Test
  void aConnectionClosedInTheHeadersIsAnError() {
    assertEquals(
        "connection closed in the middle of the answer", failure("HTTP/1.1 200 OK\r\nContent-Le"));
  }

  @Test
  void somethingThatIsNotHttpIsRejected() {
    assertEquals("not an HTTP answer: SSH-2.0-OpenSSH", failure("SSH-2.0-OpenSSH\r\n\r\n"));
  }

  @Test
  void anOversizedBodyIsRefused() {
    assertEquals(
        "response body larger than 262144 bytes",
        failure("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n"));
  }
}
