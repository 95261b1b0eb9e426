package io.dpsagent.agent.cli;

import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.log.Log.Level;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One-line logs on stderr, which journald and factory scripts both read well. Under systemd ({@code
 * JOURNAL_STREAM} set) each line starts with its {@code sd-daemon(3)} priority, so that {@code
 * journalctl -p warning} finds the warnings and errors. Log statements in the agent never format
 * secrets, so no filtering happens here.
 */
final class Logging {

  /** Chooses the level: {@code error}, {@code warning}, {@code info} (default) or {@code debug}. */
  static final String LEVEL_VARIABLE = "DPS_AGENT_LOG";

  private Logging() {}

  /** How lines look on this stderr: plain on a terminal, priority-prefixed for the journal. */
  record Style(boolean journal) {
    static Style of(Map<String, String> environment) {
      return new Style(environment.containsKey("JOURNAL_STREAM"));
    }

    String line(Level level, String message) {
      String name = level.name().toLowerCase(Locale.ROOT);
      return journal
          ? "<" + level.priority() + ">" + name + ": " + message
          : "dps-agent: " + name + ": " + message;
    }
  }

  static void configure(PrintStream err, Map<String, String> environment, boolean verbose) {
    Style style = Style.of(environment);
    Log.route(
        (level, source, message) -> {
          // One print per line, so that lines of two threads never interleave.
          err.print(style.line(level, message) + System.lineSeparator());
          err.flush();
        },
        verbose ? Level.DEBUG : level(environment).orElse(Level.INFO));
  }

  private static Optional<Level> level(Map<String, String> environment) {
    return Optional.ofNullable(environment.get(LEVEL_VARIABLE))
        .map(
            v ->
                switch (v.strip().toLowerCase(Locale.ROOT)) {
                  case "error" -> Level.ERROR;
                  case "warning", "warn" -> Level.WARNING;
                  case "debug", "trace" -> Level.DEBUG;
                  default -> Level.INFO;
                });
  }
}
