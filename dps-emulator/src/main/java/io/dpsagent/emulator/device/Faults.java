package io.dpsagent.emulator.device;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Failures to inject into the next device requests, so that client retry logic (429 throttling, 5xx
 * outages) can be tested against an otherwise healthy emulator.
 */
public final class Faults {

  private int remaining;
  private int status;
  private OptionalInt retryAfterSeconds = OptionalInt.empty();
  private boolean drop;

  /**
   * The next {@code count} device requests are answered with {@code httpStatus}, no Retry-After.
   */
  public void failNext(int count, int httpStatus) {
    arm(count, httpStatus, OptionalInt.empty());
  }

  /** As {@link #failNext(int, int)}, with a {@code Retry-After} header. */
  public void failNext(int count, int httpStatus, int retryAfterSeconds) {
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retry-after is negative");
    }
    arm(count, httpStatus, OptionalInt.of(retryAfterSeconds));
  }

  /**
   * The next {@code count} device requests lose their connection in the middle of the reply: HTTPS
   * sends the status line, headers and half the body, then closes; MQTT closes the connection
   * instead of publishing the reply.
   */
  public synchronized void dropNext(int count) {
    arm(count, 503, OptionalInt.empty());
    this.drop = true;
  }

  /** Cancels the failures not yet delivered. */
  public synchronized void clear() {
    remaining = 0;
  }

  public synchronized int remaining() {
    return remaining;
  }

  private synchronized void arm(int count, int httpStatus, OptionalInt retryAfter) {
    if (count < 0) {
      throw new IllegalArgumentException("count is negative");
    }
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("fault status must be 4xx or 5xx: " + httpStatus);
    }
    this.remaining = count;
    this.status = httpStatus;
    this.retryAfterSeconds = retryAfter;
    this.drop = false;
  }

  /** Consumes one armed failure, if any, and returns its reply. */
  synchronized Optional<DeviceReply> next(Instant now) {
    if (remaining == 0) {
      return Optional.empty();
    }
    remaining--;
    DeviceReply reply =
        DeviceReply.error(
            status, status * 1000 + 1, "Injected fault (HTTP " + status + ").", retryAfterSeconds, now);
    return Optional.of(drop ? reply.dropped() : reply);
  }
}
