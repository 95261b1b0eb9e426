package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.log.Log;
import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Paho's log, for both of its clients (their {@code Logger} interfaces are the same method for
 * method), into the agent's {@link Log}: its warnings and errors only, as before, because its finer
 * levels trace packets. Installed before any Paho client is made, so that Paho never starts {@code
 * java.util.logging} (its default {@code JSR47Logger} does) on the MQTT path.
 */
public final class PahoLog
    implements org.eclipse.paho.client.mqttv3.logging.Logger,
        org.eclipse.paho.mqttv5.client.logging.Logger {

  private static final Log LOG = Log.of(PahoLog.class);
  // Paho's levels, the same in both clients: SEVERE 1, WARNING 2, then INFO to FINEST.
  private static final int SEVERE = org.eclipse.paho.client.mqttv3.logging.Logger.SEVERE;
  private static final int WARNING = org.eclipse.paho.client.mqttv3.logging.Logger.WARNING;

  private ResourceBundle catalog;

  /** Makes both Paho clients log here; Paho makes one instance per logging class, by name. */
  static void install() {
    org.eclipse.paho.client.mqttv3.logging.LoggerFactory.setLogger(PahoLog.class.getName());
    org.eclipse.paho.mqttv5.client.logging.LoggerFactory.setLogger(PahoLog.class.getName());
  }

  /** For Paho, which makes its loggers by reflection. */
  public PahoLog() {}

  @Override
  public void initialise(ResourceBundle messageCatalog, String loggerId, String resourceName) {
    this.catalog = messageCatalog;
  }

  @Override
  public void setResourceName(String logContext) {}

  @Override
  public boolean isLoggable(int level) {
    return level == SEVERE
        ? Log.enabled(Log.Level.ERROR)
        : level == WARNING && Log.enabled(Log.Level.WARNING);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg) {
    log(SEVERE, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void severe(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg) {
    log(WARNING, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void warning(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  // The finer levels trace packets and are never written.

  @Override
  public void info(String sourceClass, String sourceMethod, String msg) {}

  @Override
  public void info(String sourceClass, String sourceMethod, String msg, Object[] inserts) {}

  @Override
  public void info(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {}

  @Override
  public void config(String sourceClass, String sourceMethod, String msg) {}

  @Override
  public void config(String sourceClass, String sourceMethod, String msg, Object[] inserts) {}

  @Override
  public void config(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {}

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg) {}

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg, Object[] inserts) {}

  @Override
  public void fine(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {}

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg) {}

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg, Object[] inserts) {}

  @Override
  public void finer(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {}

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg) {}

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg, Object[] inserts) {}

  @Override
  public void finest(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {}

  @Override
  public void log(
      int level,
      String sourceClass,
      String sourceMethod,
      String msg,
      Object[] inserts,
      Throwable thrown) {
    if (!isLoggable(level)) {
      return;
    }
    String line =
        "mqtt: "
            + formatMessage(msg, inserts)
            + (thrown == null
                ? ""
                : ": " + thrown.getClass().getSimpleName() + ": " + thrown.getMessage());
    if (level == SEVERE) {
      LOG.error(line);
    } else {
      LOG.warning(line);
    }
  }

  @Override
  public void trace(
      int level,
      String sourceClass,
      String sourceMethod,
      String msg,
      Object[] inserts,
      Throwable thrown) {}

  /** Paho's message key, looked up in its catalog and filled in as its own logger does. */
  @Override
  public String formatMessage(String msg, Object[] inserts) {
    String pattern = msg;
    if (catalog != null && msg != null) {
      try {
        pattern = catalog.getString(msg);
      } catch (MissingResourceException e) {
        // Not a key: Paho also logs literal text.
      }
    }
    return inserts == null || pattern == null
        ? String.valueOf(pattern)
        : MessageFormat.format(pattern, inserts);
  }

  @Override
  public void dumpTrace() {}
}
