package io.dpsagent.agent.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every line the agent logs while it is open, at every level, as {@code LEVEL message}; on close
 * the log goes where it went before. Tests run one at a time, so nothing else logs into it.
 */
public final class LogCapture implements AutoCloseable {

  private final Log.Sink sink = Log.sink();
  private final Log.Level threshold = Log.threshold();
  private final List<String> lines = new ArrayList<>();

  private LogCapture(Predicate<String> sources) {
    Log.route(
        (level, source, message) -> {
          if (sources.test(source)) {
            synchronized (lines) {
              lines.add(level + " " + message);
            }
          }
        },
        Log.Level.DEBUG);
  }

  /** What every class logs. */
  public static LogCapture all() {
    return new LogCapture(source -> true);
  }

  /** What {@code type} logs. */
  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName()::equals);
  }

  /** The lines so far, each {@code LEVEL message}. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The messages so far at {@code level}. */
  public List<String> messages(Log.Level level) {
    String prefix = level + " ";
    return lines().stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .toList();
  }

  @Override
  public void close() {
    Log.route(sink, threshold);
  }
}
