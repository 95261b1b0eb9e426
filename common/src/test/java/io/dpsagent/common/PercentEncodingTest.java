package io.dpsagent.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.common.PercentEncoding.HexCase;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PercentEncodingTest {

  @Test
  void decodesEitherHexCaseAndKeepsPlus() {
    assertEquals("a/b/c", PercentEncoding.decode("a%2Fb%2fc", "path"));
    assertEquals("x+y=", PercentEncoding.decode("x+y%3D", "path"));
    assertEquals("caf\u00e9", PercentEncoding.decode("caf%C3%A9", "path"));
  }

  @Test
  void keepsCharactersOutsideTheBasicPlaneWhole() {
    assertEquals("\uD83D\uDE00 a", PercentEncoding.decode("\uD83D\uDE00%20a", "path"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"50%", "%z1", "%1", "abc%2", "abc%zz"})
  void aBrokenTripletIsRefusedNamingTheValueNotEchoingIt(String text) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PercentEncoding.decode(text, "proxy password"));
    assertEquals(
        "proxy password has a '%' not followed by two hex digits; write a literal % as %25",
        e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PercentEncoding.decode("%C3", "proxy password"));
    assertEquals("proxy password is percent-encoded bytes that are not UTF-8", e.getMessage());
  }

  @Test
  void decodesToBytesThatNeedNotBeText() {
    assertArrayEquals(new byte[] {(byte) 0xc3, 'a'}, PercentEncoding.decodeBytes("%C3a", "id"));
  }

  @Test
  void encodesAllButUnreserved() {
    assertEquals(
        "0ne%2Fregistrations%2Fa.b_c-d~e%3Af",
        PercentEncoding.encode("0ne/registrations/a.b_c-d~e:f", HexCase.UPPER));
    assertEquals("a%2fb%2b", PercentEncoding.encode("a/b+", HexCase.LOWER));
  }

  @Test
  void encodesSpacesAsPercent20AndStarsToo() {
    assertEquals("a%20b%3Ac%2A", PercentEncoding.encode("a b:c*"));
  }

  @Test
  void leavesTheCharactersAGrammarAllowsPlain() {
    byte[] value = "a:b/c d".getBytes(StandardCharsets.UTF_8);
    assertEquals("a:b/c%20d", PercentEncoding.encode(value, ":/", HexCase.UPPER));
  }

  @Test
  void decodingUndoesEncoding() {
    String text = "sr=hub/devices/\u00e9 +~*%";
    assertEquals(text, PercentEncoding.decode(PercentEncoding.encode(text), "value"));
  }
}
