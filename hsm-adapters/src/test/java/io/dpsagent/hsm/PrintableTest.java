package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void plainTextIsUnchanged() {
    assertEquals(
        "emulated-hub-1.azure-devices.net:8443",
        Printable.escape("emulated-hub-1.azure-devices.net:8443"));
    assertTrue(Printable.isSafe("dev-42 (gw) ünïcödé 😀"));
  }

  @Test
  void lineBreaksAndTerminalEscapesBecomeVisible() {
    assertEquals("hub\\n\\u001B[31mred\\r\\t", Printable.escape("hub\n\u001b[31mred\r\t"));
    assertEquals(
        "a\\u2028b\\u202Ec\\u0000\\u007F\\u0085",
        Printable.escape("a\u2028b\u202Ec\u0000\u007F\u0085"));
    assertFalse(Printable.isSafe("x\u001b"));
  }

  @Test
  void aBackslashIsDoubledSoAnEscapeCannotBeForged() {
    assertEquals("\\\\n", Printable.escape("\\n"));
    assertFalse(Printable.isSafe("\\n"));
  }

  @Test
  void loneSurrogatesAreEscapedAndPairsKept() {
    assertEquals("\\uD800x\\uDC00", Printable.escape("\uD800x\uDC00"));
    assertEquals("😀", Printable.escape("😀"));
  }

  @Test
  void longTextIsCutAndQuoted() {
    assertEquals("abc...", Printable.escape("abcdef", 3));
    assertEquals(
        "'" + "x".repeat(Printable.DEFAULT_MAX) + "...'", Printable.quote("x".repeat(500)));
    assertEquals("null", Printable.escape(null));
  }
}
