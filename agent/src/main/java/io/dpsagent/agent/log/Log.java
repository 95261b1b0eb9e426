package io.dpsagent.agent.log;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent's log: one line per event, at one of four levels, to one {@link Sink} that the command
 * line chooses ({@code cli.Logging}). Not {@code java.util.logging}: starting its {@code
 * LogManager} (a properties file, a service look-up on the class path, the handlers) cost every run
 * about 10 ms of a ~350 ms provisioning (docs/benchmarks.md), for four levels and one destination.
 *
 * <p>Log statements never format secrets; what reaches a sink is printed as it is.
 */
public final class Log {

  /** How much a line matters, in increasing order; each has its {@code sd-daemon(3)} priority. */
  public enum Level {
    DEBUG(7),
    INFO(6),
    WARNING(4),
    ERROR(3);

    private final int priority;

    Level(int priority) {
      this.priority = priority;
    }

    /** The syslog priority journald files the line under. */
    public int priority() {
      return priority;
    }
  }

  /** Where lines at or above the threshold go. Called from any thread. */
  @FunctionalInterface
  public interface Sink {
    void write(Level level, String source, String message);
  }

  /** Until a command line routes the log: warnings and errors, plainly, on stderr. */
  private static final Sink STDERR =
      (level, source, message) -> System.err.println(level + ": " + message);

  private static volatile Route route = new Route(STDERR, Level.WARNING);

  private record Route(Sink sink, Level threshold) {}

  private final String source;

  private Log(String source) {
    this.source = source;
  }

  /** The log of {@code type}'s events. */
  public static Log of(Class<?> type) {
    return new Log(type.getName());
  }

  /** Sends every later line at or above {@code threshold}, from every thread, to {@code sink}. */
  public static void route(Sink sink, Level threshold) {
    route = new Route(Objects.requireNonNull(sink), Objects.requireNonNull(threshold));
  }

  /** Where lines go now, for a caller that routes them elsewhere for a while (tests). */
  static Sink sink() {
    return route.sink();
  }

  /** The level below which lines are dropped now. */
  static Level threshold() {
    return route.threshold();
  }

  /** Whether a line at {@code level} would be written now. */
  public static boolean enabled(Level level) {
    return level.compareTo(route.threshold()) >= 0;
  }

  public void debug(String message) {
    write(Level.DEBUG, message);
  }

  /** A debug line whose message is built only when debug lines are written. */
  public void debug(Supplier<String> message) {
    if (enabled(Level.DEBUG)) {
      write(Level.DEBUG, message.get());
    }
  }

  public void info(String message) {
    write(Level.INFO, message);
  }

  public void warning(String message) {
    write(Level.WARNING, message);
  }

  public void error(String message) {
    write(Level.ERROR, message);
  }

  private void write(Level level, String message) {
    Route current = route;
    if (level.compareTo(current.threshold()) >= 0) {
      current.sink().write(level, source, message);
    }
  }
}
