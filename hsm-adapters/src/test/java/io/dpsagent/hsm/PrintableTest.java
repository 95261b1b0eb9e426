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

  @Test
  void aQuotedUriShowsNoPassword() {
    assertEquals(
        "'mqhttp://operator:***@proxy.example.net:3128'",
        Printable.quote("mqhttp://operator:SECRET:with@signs@proxy.example.net:3128"));
    assertEquals("'operator:***@proxy:3128'", Printable.quote("operator:pw@proxy:3128"));
    assertEquals("'https://dps.example.net/a@b'", Printable.quote("https://dps.example.net/a@b"));
  }

  @Test
  void aQuotedPkcs11UriShowsNoInlinePin() {
    assertEquals(
        "'pkcs11:token=gw;object=device?pin-value=***'",
        Printable.quote("pkcs11:token=gw;object=device?pin-value=4711"));
    assertEquals(
        "'pkcs11:token=gw?PIN-VALUE=***&module-name=x'",
        Printable.quote("pkcs11:token=gw?PIN-VALUE=4711&module-name=x"));
  }

  @Test
  void escapeAloneKeepsTheTextWhole() {
    assertEquals("a:b@c", Printable.escape("a:b@c"));
  }
}
