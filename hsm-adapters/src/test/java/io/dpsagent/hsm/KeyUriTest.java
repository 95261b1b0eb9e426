package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KeyUriTest {

  /** Why {@code text} is refused as a key URI. */
  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> KeyUri.parse(text)).getMessage();
  }

  @Test
  void parsesAFileUri() {
    KeyUri uri = KeyUri.parse("file:///etc/dps-agent/device.key");
    assertEquals(KeyUri.Scheme.FILE, uri.scheme());
    assertEquals(Path.of("/etc/dps-agent/device.key"), uri.path());
  }

  @Test
  void recognisesPkcs11Uris() {
    assertEquals(KeyUri.Scheme.PKCS11, KeyUri.parse("pkcs11:token=gw;object=device").scheme());
  }

  @Test
  void parsesPkcs11UrisAndNeverShowsTheirPin() {
    KeyUri uri = KeyUri.parse("pkcs11:token=gw;object=device?pin-value=123456");
    assertEquals("gw", uri.pkcs11().token());
    assertEquals("123456", uri.pkcs11().pinValue());
    assertEquals("pkcs11:token=gw;object=device?pin-value=***", uri.toString());
    assertEquals(
        "pkcs11 URI path attribute 'tokn' is not supported;"
            + " use token, serial, manufacturer, model, slot-id, object, id or type",
        refusal("pkcs11:tokn=gw"));
  }

  @Test
  void rejectsRelativeAndRemoteFileUris() {
    assertThrows(IllegalArgumentException.class, () -> KeyUri.parse("file:device.key"));
    assertThrows(IllegalArgumentException.class, () -> KeyUri.parse("file://server/etc/key"));
  }

  @Test
  void rejectsOtherSchemesNamingTheAcceptedForms() {
    // Not echoed: base64 keys may start with '/', and a pasted key must not reach a log.
    assertEquals(
        "unsupported key URI; use file:///absolute/path or pkcs11:... (a local path is written"
            + " file:///etc/...)",
        refusal("/etc/key"));
  }

  @Test
  void neverEchoesAValueThatIsNotAKeyUri() {
    String pastedKey = "q83vEjRWeJq8OrxRIjNEVWZ3iJmqu8zd7v8AESIzRFU=";
    String refusal = refusal(pastedKey);
    assertFalse(refusal.contains(pastedKey.substring(0, 8)), refusal);
  }

  @Test
  void buildsFileUrisFromPaths() {
    assertEquals("file:///tmp/a%20b.key", KeyUri.ofFile(Path.of("/tmp/a b.key")).toString());
    assertEquals(Path.of("/tmp/a b.key"), KeyUri.parse("file:///tmp/a%20b.key").path());
  }
}
