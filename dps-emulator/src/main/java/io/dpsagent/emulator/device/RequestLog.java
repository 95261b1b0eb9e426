package io.dpsagent.emulator.device;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The device requests the emulator answered, newest last, so that tests can prove what a client
 * sent (or that it sent nothing), and when: the gaps between requests show whether a client kept
 * to the waits it was asked for. Keeps the most recent {@value #CAPACITY} entries; the count
 * covers all.
 */
public final class RequestLog {

  static final int CAPACITY = 10_000;

  /** One answered request; {@code path} is the URL path without the query. */
  public record Entry(String method, String path, int status) {}

  /** An entry with the moment it was answered. */
  public record Timed(Entry entry, Instant answeredAt) {}

  private final Deque<Timed> entries = new ArrayDeque<>();
  private final Clock clock;
  private long count;

  public RequestLog() {
    this(Clock.systemUTC());
  }

  public RequestLog(Clock clock) {
    this.clock = clock;
  }

  public synchronized void add(Entry entry) {
    if (entries.size() == CAPACITY) {
      entries.removeFirst();
    }
    entries.addLast(new Timed(entry, clock.instant()));
    count++;
  }

  /** How many device requests were answered since start or the last {@link #clear()}. */
  public synchronized long count() {
    return count;
  }

  public synchronized List<Entry> entries() {
    return entries.stream().map(Timed::entry).toList();
  }

  /** The entries with their answer times. */
  public synchronized List<Timed> timedEntries() {
    return List.copyOf(entries);
  }

  public synchronized void clear() {
    entries.clear();
    count = 0;
  }
}
