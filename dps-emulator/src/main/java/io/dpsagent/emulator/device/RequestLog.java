package io.dpsagent.emulator.device;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The device requests the emulator answered, newest last, so that tests can prove what a client
 * sent (or that it sent nothing) and when. Keeps the most recent {@value #CAPACITY} entries; the
 * count covers all.
 */
public final class RequestLog {

  static final int CAPACITY = 10_000;

  /**
   * One answered request; {@code path} is the URL path without the query (the topic for MQTT),
   * {@code status} is 0 when an injected fault left the request without an answer.
   */
  public record Entry(String method, String path, int status) {}

  /**
   * An {@link Entry} with its timing and the device it came from, for checks of client pacing.
   *
   * @param registrationId empty for requests that named no device (an unknown path)
   * @param receivedAt when the request arrived
   * @param answeredAt when the answer left (after an injected delay), or would have
   * @param retryAfterSeconds the {@code Retry-After} the answer carried
   * @param fault the injected fault, in its written form
   */
  public record Exchange(
      Entry entry,
      Optional<String> registrationId,
      Instant receivedAt,
      Instant answeredAt,
      OptionalInt retryAfterSeconds,
      Optional<String> fault) {}

  private final Deque<Exchange> exchanges = new ArrayDeque<>();
  private long count;

  /** Logs a request that belongs to no device, answered now. */
  public void add(Entry entry) {
    Instant now = Instant.now();
    add(new Exchange(entry, Optional.empty(), now, now, OptionalInt.empty(), Optional.empty()));
  }

  /** Logs the answer of a device request received at {@code receivedAt}. */
  public void add(Entry entry, DeviceRequest request, DeviceReply reply, Instant receivedAt) {
    add(
        new Exchange(
            entry,
            Optional.of(request.registrationId()),
            receivedAt,
            Instant.now().plus(reply.delay()),
            reply.retryAfterSeconds(),
            reply.fault().map(Fault::toString)));
  }

  public synchronized void add(Exchange exchange) {
    if (exchanges.size() == CAPACITY) {
      exchanges.removeFirst();
    }
    exchanges.addLast(exchange);
    count++;
  }

  /** How many device requests were answered since start or the last {@link #clear()}. */
  public synchronized long count() {
    return count;
  }

  public synchronized List<Entry> entries() {
    return exchanges.stream().map(Exchange::entry).toList();
  }

  public synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  public synchronized void clear() {
    exchanges.clear();
    count = 0;
  }
}
