package io.dpsagent.agent.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line logs on stderr, which journald and factory scripts both read well. Under systemd ({@code
 * JOURNAL_STREAM} set) each line starts with its {@code sd-daemon(3)} priority, so that {@code
 * journalctl -p warning} finds the warnings and errors. Log statements in the agent never format
 * secrets, so no filtering happens here.
 */
final class Logging {

  /** Chooses the level: {@code error}, {@code warning}, {@code info} (default) or {@code debug}. */
  static final String LEVEL_VARIABLE = "DPS_AGENT_LOG";

  /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose its level. */
  private static final Logger AGENT = Logger.getLogger("io.dpsagent.agent");

  private Logging() {}

  /** How lines look on this stderr: plain on a terminal, priority-prefixed for the journal. */
  record Style(boolean journal) {
    static Style of(Map<String, String> environment) {
      return new Style(environment.containsKey("JOURNAL_STREAM"));
    }

    String line(Level level, String message) {
      String name = level == Level.SEVERE ? "error" : level.getName().toLowerCase(Locale.ROOT);
      if (level.intValue() < Level.INFO.intValue()) {
        name = "debug";
      }
      return journal
          ? "<" + priority(level) + ">" + name + ": " + message
          : "dps-agent: " + name + ": " + message;
    }

    private static int priority(Level level) {
      if (level.intValue() >= Level.SEVERE.intValue()) {
        return 3;
      }
      if (level.intValue() >= Level.WARNING.intValue()) {
        return 4;
      }
      return level.intValue() >= Level.INFO.intValue() ? 6 : 7;
    }
  }

  static void configure(PrintStream err, Map<String, String> environment, boolean verbose) {
    Style style = Style.of(environment);
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (isLoggable(record)) {
              err.print(getFormatter().format(record));
              err.flush();
            }
          }

          @Override
          public void flush() {
            err.flush();
          }

          @Override
          public void close() {
            flush();
          }
        };
    handler.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord record) {
            return style.line(record.getLevel(), formatMessage(record)) + System.lineSeparator();
          }
        });
    // Only the agent's own loggers are shown: JDK and library loggers may print headers (and so
    // tokens) at fine levels, and an in-process peer (the emulator in tests) has its own output.
    handler.setLevel(Level.ALL);
    Logger.getLogger("").setLevel(Level.WARNING);
    AGENT.setUseParentHandlers(false);
    for (Handler old : AGENT.getHandlers()) {
      AGENT.removeHandler(old);
    }
    AGENT.addHandler(handler);
    AGENT.setLevel(verbose ? Level.FINE : level(environment).orElse(Level.INFO));
  }

  private static Optional<Level> level(Map<String, String> environment) {
    return Optional.ofNullable(environment.get(LEVEL_VARIABLE))
        .map(
            v ->
                switch (v.strip().toLowerCase(Locale.ROOT)) {
                  case "error" -> Level.SEVERE;
                  case "warning", "warn" -> Level.WARNING;
                  case "debug", "trace" -> Level.FINE;
                  default -> Level.INFO;
                });
  }
}
