package io.dpsagent.agent.dps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One answer of DPS, whatever transport carried it: an HTTP-style status, the body, and the two
 * headers the client acts on.
 *
 * @param status the HTTP status (over MQTT: the status segment of the reply topic)
 * @param retryAfter the server's {@code Retry-After}, when it sent a valid integer
 * @param serverDate the server's clock, from the HTTP {@code Date} header, when present
 * @param body the response body, possibly empty
 */
public record DpsResponse(
    int status, Optional<Duration> retryAfter, Optional<Instant> serverDate, String body) {

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /** 429 and 5xx: the request may succeed if sent again later. */
  public boolean isTransientError() {
    return status == 429 || status >= 500;
  }
}
