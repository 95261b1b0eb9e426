package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The written form of a fault, shared by the config file and the service API. */
class FaultTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ok",
        "500",
        "503",
        "503:1",
        "429:2",
        "delay:250",
        "reset",
        "truncated",
        "malformed",
        "wrong_operation_id",
        "no_reply"
      })
  void readsWhatItWrites(String written) {
    assertEquals(written, Fault.parse(written).toString());
  }

  @Test
  void readsParameters() {
    assertEquals(Fault.status(429, OptionalInt.of(2)), Fault.parse("429:2"));
    assertEquals(Fault.status(503, OptionalInt.empty()), Fault.parse(" 503 "));
    assertEquals(Fault.delay(Duration.ofMillis(1500)), Fault.parse("DELAY:1500"));
    assertEquals(Fault.of(Fault.Type.NO_REPLY), Fault.parse("no_reply"));
    assertTrue(Fault.parse("503").replacesAnswer());
    assertTrue(!Fault.parse("reset").replacesAnswer());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "200", "600", "429:-1", "429:x", "delay", "delay:-5", "reset:1", "explode"})
  void refusesAnythingElseWithoutEchoingIt(String written) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Fault.parse(written));

    assertTrue(
        e.getMessage().startsWith("must be a status 400..599")
            || e.getMessage().startsWith("delay needs"),
        e.getMessage());
  }
}
