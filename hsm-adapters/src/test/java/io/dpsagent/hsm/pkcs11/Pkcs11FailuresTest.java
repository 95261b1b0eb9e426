package io.dpsagent.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way of not reaching a key fails at once, with its kind and the URI (never the PIN). */
class Pkcs11FailuresTest {

  private static final SoftHsm.Token softHsm = SoftHsm.newToken();

  @TempDir Path dir;

  /**
   * Opening {@code uri}, with {@code defaultModule} for a URI without module-path, fails as {@code
   * kind}; returns the message.
   */
  private static String failure(Pkcs11Uri uri, String defaultModule, Pkcs11Exception.Kind kind) {
    Pkcs11Exception e =
        assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(uri, defaultModule));
    assertEquals(kind, e.pkcs11Kind());
    return e.getMessage();
  }

  @Test
  void aModuleThatDoesNotExistIsNamed() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            softHsm.uri("", "/nonexistent/libnothing.so", "pin-source=file:" + softHsm.pinFile()));
    String message = failure(uri, SoftHsm.MODULE, Pkcs11Exception.Kind.MODULE_NOT_FOUND);
    assertEquals("PKCS#11 module /nonexistent/libnothing.so does not exist", message);
  }

  @Test
  void withoutAModulePathTheCallersDefaultIsUsedAndWithoutEitherTheUriIsNamed() throws Exception {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            "pkcs11:token=" + softHsm.label() + "?pin-source=file:" + softHsm.pinFile());

    assertEquals(softHsm.label(), Pkcs11Token.open(uri, SoftHsm.MODULE).info().label());
    String message = failure(uri, null, Pkcs11Exception.Kind.MODULE_NOT_FOUND);
    assertEquals(
        "no PKCS#11 module for "
            + uri
            + ": add module-path=/path/to/module.so to the URI or set pkcs11.module",
        message);
  }

  @Test
  void aFileThatIsNotAPkcs11ModuleIsRefused() throws Exception {
    Path notALibrary = Files.writeString(dir.resolve("module.so"), "not a library");
    Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=x?module-path=" + notALibrary + "&pin-value=1");
    String message = failure(uri, null, Pkcs11Exception.Kind.MODULE_NOT_FOUND);
    assertEquals(
        "PKCS#11 module " + notALibrary + " cannot be loaded or is not a PKCS#11 module", message);
  }

  @Test
  void anAbsentTokenIsNamedWithTheTokensPresent() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            "pkcs11:token=no-such-token?module-path="
                + SoftHsm.MODULE
                + "&pin-source=file:"
                + softHsm.pinFile());
    String message = failure(uri, null, Pkcs11Exception.Kind.TOKEN_NOT_FOUND);
    assertTrue(
        message.startsWith(
            "no token matches " + uri + " in module " + SoftHsm.MODULE + " (tokens present: "),
        message);
    assertTrue(message.contains("'" + softHsm.label() + "'"), message);
  }

  @Test
  void aPinFileReadableByOthersIsRefusedBeforeAnyLogin() throws Exception {
    Path pinFile = Files.writeString(dir.resolve("pin"), softHsm.userPin() + "\n");
    Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-r--r--"));
    Pkcs11Uri uri =
        Pkcs11Uri.parse(softHsm.uri("", Pkcs11Spy.MODULE, "pin-source=file:" + pinFile));
    long loginsBefore = Pkcs11Spy.logins();

    String message = failure(uri, null, Pkcs11Exception.Kind.PIN_UNAVAILABLE);
    assertEquals(
        "key file "
            + pinFile
            + " is accessible by group or others (mode rw-r--r--); run: chmod 600 "
            + pinFile
            + " (PIN file of "
            + uri
            + ")",
        message);
    assertEquals(0, Pkcs11Spy.logins() - loginsBefore, "C_Login calls");
  }

  @Test
  void aUriWithoutAPinIsRefused() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse("pkcs11:token=" + softHsm.label() + "?module-path=" + SoftHsm.MODULE);
    String message = failure(uri, null, Pkcs11Exception.Kind.PIN_UNAVAILABLE);
    assertEquals(
        "no PIN for " + uri + ": add pin-source=file:/path/to/pin (an owner-only file) to the URI",
        message);
  }

  @Test
  void anInlinePinWorksAndIsFlaggedForAWarning() throws Exception {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(softHsm.uri("", SoftHsm.MODULE, "pin-value=" + softHsm.userPin()));
    assertTrue(uri.hasInlinePin());
    assertFalse(uri.toString().contains(softHsm.userPin()));
    assertEquals(softHsm.label(), Pkcs11Token.open(uri, null).info().label());
  }
}
