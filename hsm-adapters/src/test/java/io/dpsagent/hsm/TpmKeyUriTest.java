package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TpmKeyUriTest {

  @Test
  void parsesTheHandleAndAnOptionalTcti() {
    KeyUri plain = KeyUri.parse("tpm:handle=0x81000101");
    assertEquals(KeyUri.Scheme.TPM, plain.scheme());
    assertEquals(new TpmKeyUri(0x81000101, Optional.empty()), plain.tpm());
    assertEquals("tpm:handle=0x81000101", plain.toString());

    KeyUri withTcti = KeyUri.parse("TPM:handle=0x8100abcd;tcti=swtpm:host=127.0.0.1,port=2321");
    assertEquals(0x8100ABCD, withTcti.tpm().handle());
    assertEquals(Optional.of("swtpm:host=127.0.0.1,port=2321"), withTcti.tpm().tcti());
    assertEquals("tpm:handle=0x8100ABCD;tcti=swtpm:host=127.0.0.1,port=2321", withTcti.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tpm:handle=0x8100010G | key URI 'tpm:handle=0x8100010G': handle '0x8100010G' is not a hex"
            + " persistent handle such as 0x81000101",
        "tpm:handle=81000101 | key URI 'tpm:handle=81000101': handle '81000101' is not a hex"
            + " persistent handle such as 0x81000101",
        "tpm:handle= | key URI 'tpm:handle=': handle '' is not a hex persistent handle such as"
            + " 0x81000101",
        "tpm:handle=0x01000101 | key URI 'tpm:handle=0x01000101': handle 0x01000101 is not a"
            + " persistent handle (0x81000000-0x81FFFFFF)",
        "tpm: | key URI 'tpm:': unknown attribute ''; use tpm:handle=0x81000101[;tcti=...]",
        "tpm:tcti=device | key URI 'tpm:tcti=device' names no handle; use tpm:handle=0x81000101",
        "tpm:handle=0x81000101;handle=0x81000102 | key URI"
            + " 'tpm:handle=0x81000101;handle=0x81000102' names handle more than once",
        "tpm:handle=0x81000101;pin=1 | key URI 'tpm:handle=0x81000101;pin=1': unknown attribute"
            + " 'pin'; use tpm:handle=0x81000101[;tcti=...]"
      })
  void aBadUriIsOneLineNamingIt(String uri, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KeyUri.parse(uri));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aHandleOptionIsParsedTheSameWay() {
    assertEquals(0x81000101, TpmKeyUri.parseHandle("0x81000101"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TpmKeyUri.parseHandle("0x810001011"));
    assertEquals(
        "handle '0x810001011' is not a hex persistent handle such as 0x81000101", e.getMessage());
  }
}
