package io.dpsagent.agent.transport.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** One HTTP request and its answer: all the HTTPS transport needs from an HTTP client. */
public interface HttpExchange {

  /** An answer: status, the two headers DPS clients act on, and the body (capped). */
  record Response(int status, Optional<String> retryAfter, Optional<String> date, String body) {}

  /** DPS answers are small; anything bigger is not DPS and is refused rather than buffered. */
  int MAX_BODY_BYTES = 256 * 1024;

  /**
   * Sends {@code method uri} with {@code headers} and {@code body} (null for none); the whole
   * exchange, connecting included, is over within {@code timeout}.
   *
   * @throws IOException when no complete answer arrived (transient for the caller)
   */
  Response send(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException;
}
