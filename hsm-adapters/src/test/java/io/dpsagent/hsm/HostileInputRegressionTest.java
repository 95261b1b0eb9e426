package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.hsm.software.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bugs the fuzz targets found in the key-reference and key-file parsers, one test each. */
class HostileInputRegressionTest {

  @TempDir Path dir;

  @Test
  void aKeyPastedWhereItsUriBelongsIsNotEchoed() {
    String key =
        "nt2hqEC+CMbX5Z4FDlHUhNjrWtagIm4Ou0hi8H7l/l4cXhk2g5ZhVeYneULBkPdRmo+leX2FMhv1nolqYJfCmw==\n";
    assertRefused(
        "unsupported key URI; use file:///absolute/path or pkcs11:...", () -> KeyUri.parse(key));
  }

  @Test
  void anUnsupportedSchemeIsNamedButNotTheRestOfTheUri() {
    assertRefused(
        "unsupported key URI (scheme 'kms:'); use file:///absolute/path or pkcs11:...",
        () -> KeyUri.parse("kms:key=device-01"));
  }

  @Test
  void aFileUriWithAQueryIsRefusedWithoutShowingTheQuery() {
    assertRefused(
        "key URI 'file:///etc/dps-agent/device.key' must not have a query or fragment",
        () -> KeyUri.parse("file:///etc/dps-agent/device.key?pin-value=1234"));
  }

  @Test
  void aNulByteInAFileUriIsAnInvalidPathNotARawNulInTheMessage() {
    assertRefused(
        "key URI 'file:///etc/dps-agent/dev%00ice.key' is not a valid local path",
        () -> KeyUri.parse("file:///etc/dps-agent/dev%00ice.key"));
  }

  @Test
  void controlCharactersInAPkcs11AttributeNameAreEscaped() {
    assertRefused(
        "pkcs11 URI path attribute 'obj\\u001Dct' is not supported; use token, serial, manufacturer,"
            + " model, slot-id, object, id or type",
        () -> Pkcs11Uri.parse("pkcs11:obj\u001dct=device"));
  }

  @Test
  void aNulByteInAPkcs11PinSourceIsAnInvalidPath() {
    assertRefused(
        "pkcs11 URI attribute 'pin-source' is not a valid path",
        () -> Pkcs11Uri.parse("pkcs11:token=gw?pin-source=file:/etc/dps-agent/pin%00"));
  }

  @Test
  void aKeyFileThatIsNotUtf8SaysSoInsteadOfNamingAnException() throws Exception {
    Path file = dir.resolve("device.key");
    Files.write(file, new byte[] {'k', 'e', 'y', (byte) 0xC3, (byte) 0x28});
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(file));
    assertEquals("key file " + file + " is not UTF-8 text; check the path", e.getMessage());
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
  }

  /** {@code parse} throws IllegalArgumentException with exactly {@code message}. */
  private static void assertRefused(String message, Executable parse) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, parse).getMessage());
  }
}
