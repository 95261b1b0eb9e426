package io.dpsagent.hsm.software;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @TempDir Path dir;

  private Path keyFile(String content, String mode) throws Exception {
    Path file = dir.resolve("device.key");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void readsAnOwnerOnlyKeyFileWithTrailingNewline() throws Exception {
    Path file = keyFile(KEY + "\n", "rw-------");
    assertEquals(KEY, KeyFiles.readSymmetricKey(file).exportBase64(InsecureSecretKeyAccess.get()));
  }

  @Test
  void refusesAKeyFileReadableByOthersAndSaysHowToFixIt() throws Exception {
    Path file = keyFile(KEY, "rw-r--r--");
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(file));
    assertEquals(
        "key file "
            + file
            + " is accessible by group or others (mode rw-r--r--); run: chmod 600 "
            + file,
        e.getMessage());
  }

  @Test
  void refusesAKeyFileReadableByGroup() throws Exception {
    Path file = keyFile(KEY, "rw-r-----");
    assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(file));
  }

  @Test
  void namesAMissingFile() {
    Path missing = dir.resolve("absent.key");
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(missing));
    assertEquals("key file " + missing + " does not exist", e.getMessage());
  }

  @Test
  void rejectsAnEmptyFile() throws Exception {
    Path file = keyFile("  \n", "rw-------");
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(file));
    assertEquals("key file " + file + " is empty; write the base64 key into it", e.getMessage());
  }

  @Test
  void rejectsGarbageWithoutEchoingIt() throws Exception {
    Path file = keyFile("this-is-not*base64", "rw-------");
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(file));
    assertEquals("key file " + file + " does not hold a base64 symmetric key", e.getMessage());
    assertFalse(e.getMessage().contains("this-is-not"));
  }

  @Test
  void rejectsADirectory() throws Exception {
    Path sub =
        Files.createDirectory(
            dir.resolve("keys"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    HsmException e = assertThrows(HsmException.class, () -> KeyFiles.readSymmetricKey(sub));
    assertEquals("key file " + sub + " is not a regular file", e.getMessage());
  }
}
