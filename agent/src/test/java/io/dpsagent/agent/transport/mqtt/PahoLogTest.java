package io.dpsagent.agent.transport.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.log.LogCapture;
import java.io.IOException;
import java.util.List;
import java.util.ResourceBundle;
import org.eclipse.paho.client.mqttv3.logging.Logger;
import org.eclipse.paho.client.mqttv3.logging.LoggerFactory;
import org.junit.jupiter.api.Test;

class PahoLogTest {

  private static PahoLog withPahosCatalog() {
    PahoLog log = new PahoLog();
    log.initialise(ResourceBundle.getBundle(LoggerFactory.MQTT_CLIENT_MSG_CAT), "test", "");
    return log;
  }

  @Test
  void aPahoWarningIsOneAgentWarningInWordsFromPahosCatalog() {
    try (LogCapture log = LogCapture.of(PahoLog.class)) {
      // 106 is "Subscribe topicFilter={0} userContext={1} callback={2}".
      withPahosCatalog().warning("Client", "subscribe", "106", new Object[] {"$dps/#", "u", "c"});

      assertEquals(
          List.of("WARNING mqtt: Subscribe topicFilter=$dps/# userContext=u callback=c"),
          log.lines());
    }
  }

  @Test
  void aSevereOneIsAnErrorAndNamesWhatWasThrown() {
    try (LogCapture log = LogCapture.of(PahoLog.class)) {
      withPahosCatalog()
          .severe("Comms", "run", "not a key", null, new IOException("connection reset"));

      assertEquals(List.of("ERROR mqtt: not a key: IOException: connection reset"), log.lines());
    }
  }

  @Test
  void itsFinerLevelsWhichTracePacketsAreNeverWritten() {
    PahoLog paho = withPahosCatalog();
    try (LogCapture log = LogCapture.of(PahoLog.class)) {
      paho.info("C", "m", "106", new Object[] {"t", "u", "c"});
      paho.config("C", "m", "x");
      paho.fine("C", "m", "x", null);
      paho.finer("C", "m", "x", null, null);
      paho.finest("C", "m", "x");
      paho.log(Logger.FINE, "C", "m", "x", null, null);
      paho.trace(Logger.FINEST, "C", "m", "x", null, null);

      assertEquals(List.of(), log.lines());
      assertFalse(paho.isLoggable(Logger.INFO));
      assertFalse(paho.isLoggable(Logger.FINE));
      assertTrue(paho.isLoggable(Logger.WARNING));
    }
  }

  @Test
  void itsWarningsFollowTheAgentsThreshold() {
    PahoLog paho = withPahosCatalog();
    try (LogCapture log = LogCapture.of(PahoLog.class)) {
      Log.route((level, source, message) -> {}, Log.Level.ERROR);

      assertFalse(paho.isLoggable(Logger.WARNING));
      assertTrue(paho.isLoggable(Logger.SEVERE));
    }
  }

  @Test
  void bothPahoClientsLogHereOnceAClientClassIsLoaded() throws Exception {
    Class.forName(PahoV3Client.class.getName(), true, getClass().getClassLoader());

    assertInstanceOf(
        PahoLog.class, LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "x"));
    assertInstanceOf(
        PahoLog.class,
        org.eclipse.paho.mqttv5.client.logging.LoggerFactory.getLogger(
            org.eclipse.paho.mqttv5.client.logging.LoggerFactory.MQTT_CLIENT_MSG_CAT, "x"));
  }
}
