package io.dpsagent.emulator.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.emulator.encoding.PercentEncoding.HexCase;
import org.junit.jupiter.api.Test;

class PercentEncodingTest {

  @Test
  void decodesEitherHexCaseAndKeepsPlus() {
    assertEquals("a/b/c", PercentEncoding.decode("a%2Fb%2fc"));
    assertEquals("x+y=", PercentEncoding.decode("x+y%3D"));
    assertEquals("caf\u00e9", PercentEncoding.decode("caf%C3%A9"));
  }

  @Test
  void rejectsMalformedEscapes() {
    assertThrows(IllegalArgumentException.class, () -> PercentEncoding.decode("abc%2"));
    assertThrows(IllegalArgumentException.class, () -> PercentEncoding.decode("abc%zz"));
    assertThrows(IllegalArgumentException.class, () -> PercentEncoding.decode("%C3"));
  }

  @Test
  void encodesAllButUnreserved() {
    assertEquals(
        "0ne%2Fregistrations%2Fa.b_c-d~e%3Af",
        PercentEncoding.encode("0ne/registrations/a.b_c-d~e:f", HexCase.UPPER));
    assertEquals("a%2fb%2b", PercentEncoding.encode("a/b+", HexCase.LOWER));
  }
}
