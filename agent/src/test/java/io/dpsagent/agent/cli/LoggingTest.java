package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.log.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingTest {

  private static final Log LOG = Log.of(LoggingTest.class);

  /** What one line at each level prints on stderr after {@code configure}. */
  private static String printed(Map<String, String> environment, boolean verbose) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (LogCapture restore = LogCapture.all()) {
      Logging.configure(new PrintStream(err, true, StandardCharsets.UTF_8), environment, verbose);
      LOG.debug("d");
      LOG.info("i");
      LOG.warning("w");
      LOG.error("e");
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onATerminalLinesAreNamedAndInfoIsTheDefault() {
    assertEquals(
        "dps-agent: info: i\ndps-agent: warning: w\ndps-agent: error: e\n",
        printed(Map.of(), false));
  }

  @Test
  void underSystemdEachLineStartsWithItsPriority() {
    assertEquals(
        "<7>debug: d\n<6>info: i\n<4>warning: w\n<3>error: e\n",
        printed(Map.of("JOURNAL_STREAM", "8:1234"), true));
  }

  @Test
  void theLevelVariableChoosesWhatIsShown() {
    assertEquals(
        "dps-agent: error: e\n", printed(Map.of(Logging.LEVEL_VARIABLE, " Error "), false));
    assertEquals(
        "dps-agent: warning: w\ndps-agent: error: e\n",
        printed(Map.of(Logging.LEVEL_VARIABLE, "warn"), false));
    assertEquals(
        "dps-agent: debug: d\ndps-agent: info: i\ndps-agent: warning: w\ndps-agent: error: e\n",
        printed(Map.of(Logging.LEVEL_VARIABLE, "trace"), false));
    assertEquals(
        "dps-agent: info: i\ndps-agent: warning: w\ndps-agent: error: e\n",
        printed(Map.of(Logging.LEVEL_VARIABLE, "loud"), false));
  }

  @Test
  void verboseShowsDebugWhateverTheVariableSays() {
    assertEquals(
        "dps-agent: debug: d\ndps-agent: info: i\ndps-agent: warning: w\ndps-agent: error: e\n",
        printed(Map.of(Logging.LEVEL_VARIABLE, "error"), true));
  }
}
