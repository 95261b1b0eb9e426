package io.dpsagent.emulator.device;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The device requests the emulator answered, newest last, so that tests can prove what a client
 * sent (or that it sent nothing). Keeps the most recent {@value #CAPACITY} entries; the count
 * covers all.
 */
public final class RequestLog {

  static final int CAPACITY = 10_000;

  /** One answered request; {@code path} is the URL path without the query. */
  public record Entry(String method, String path, int status) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private long count;

  public synchronized void add(Entry entry) {
    if (entries.size() == CAPACITY) {
      entries.removeFirst();
    }
    entries.addLast(entry);
    count++;
  }

  /** How many device requests were answered since start or the last {@link #clear()}. */
  public synchronized long count() {
    return count;
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  public synchronized void clear() {
    entries.clear();
    count = 0;
  }
}
