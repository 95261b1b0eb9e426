package io.dpsagent.agent.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line logs on stderr, which journald and factory scripts both read well. Log statements in
 * the agent never format secrets, so no filtering happens here.
 */
final class Logging {

  /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose its level. */
  private static final Logger AGENT = Logger.getLogger("io.dpsagent.agent");

  private Logging() {}

  static void configure(PrintStream err, boolean verbose) {
    Logger root = Logger.getLogger("");
    Handler handler = new Handler() {
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
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord record) {
        return "dps-agent: " + record.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + ": "
            + formatMessage(record) + System.lineSeparator();
      }
    });
    // Only the agent's own loggers are shown: JDK and library loggers may print headers (and so
    // tokens) at fine levels, and an in-process peer (the emulator in tests) has its own output.
    handler.setLevel(Level.ALL);
    root.setLevel(Level.WARNING);
    AGENT.setUseParentHandlers(false);
    for (Handler old : AGENT.getHandlers()) {
      AGENT.removeHandler(old);
    }
    AGENT.addHandler(handler);
    AGENT.setLevel(verbose ? Level.FINE : Level.INFO);
  }
}
