package io.dpsagent.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTest {

  private static final Log LOG = Log.of(LogTest.class);

  @Test
  void aLineBelowTheThresholdIsDroppedAndItsMessageNeverBuilt() {
    List<String> written = new ArrayList<>();
    try (LogCapture restore = LogCapture.all()) {
      Log.route((level, source, message) -> written.add(level + " " + message), Log.Level.INFO);

      LOG.debug(
          () -> {
            throw new AssertionError("a debug message was built at INFO");
          });
      LOG.debug("dropped");
      LOG.info("kept");
      LOG.warning("built");
      LOG.error("always");

      assertEquals(List.of("INFO kept", "WARNING built", "ERROR always"), written);
      assertFalse(Log.enabled(Log.Level.DEBUG));
      assertTrue(Log.enabled(Log.Level.INFO));
    }
  }

  @Test
  void eachLineNamesTheClassItCameFrom() {
    List<String> sources = new ArrayList<>();
    try (LogCapture restore = LogCapture.all()) {
      Log.route((level, source, message) -> sources.add(source), Log.Level.DEBUG);

      LOG.debug("x");

      assertEquals(List.of(LogTest.class.getName()), sources);
    }
  }

  @Test
  void closingACaptureSendsLinesWhereTheyWentBefore() {
    List<String> before = new ArrayList<>();
    try (LogCapture outer = LogCapture.all()) {
      Log.route((level, source, message) -> before.add(message), Log.Level.WARNING);
      try (LogCapture inner = LogCapture.of(LogTest.class)) {
        LOG.debug("captured");
        assertEquals(List.of("DEBUG captured"), inner.lines());
      }

      LOG.debug("below the old threshold");
      LOG.warning("after");

      assertEquals(List.of("after"), before);
    }
  }

  @Test
  void levelsCarryTheirJournalPriorities() {
    assertEquals(
        List.of(7, 6, 4, 3),
        List.of(Log.Level.values()).stream().map(Log.Level::priority).toList());
  }
}
