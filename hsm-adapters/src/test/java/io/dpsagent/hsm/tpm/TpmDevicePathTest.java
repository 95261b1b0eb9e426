package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dpsagent.hsm.HsmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code device:} TCTI opens only a character device and never writes into anything else. */
class TpmDevicePathTest {

  private static final byte[] CONTENT =
      "not a TPM, and must stay so\n".getBytes(StandardCharsets.US_ASCII);
  private static final FileTime LAST_YEAR =
      FileTime.fromMillis(System.currentTimeMillis() - 365L * 86_400_000);

  @TempDir Path dir;

  @Test
  void regularFileIsLeftUntouched() throws Exception {
    Path file = dir.resolve("tpmrm0");
    Files.write(file, CONTENT);
    Files.setLastModifiedTime(file, LAST_YEAR);

    assertAbsent(file);

    assertArrayEquals(CONTENT, Files.readAllBytes(file));
    assertEquals(LAST_YEAR, Files.getLastModifiedTime(file));
  }

  @Test
  void missingPathIsNotCreated() throws Exception {
    Path missing = dir.resolve("tpmrm0");

    assertAbsent(missing);

    assertFalse(Files.exists(missing));
  }

  @Test
  void directoryIsRefused() throws Exception {
    assertAbsent(dir);
  }

  @Test
  void attestorRefusesAFileAsWell() throws Exception {
    Path file = dir.resolve("tpm0");
    Files.write(file, CONTENT);
    HsmException e =
        assertThrows(
            HsmException.class,
            () -> TpmAttestor.open(TctiSpec.device(file.toString()), TpmSettings.defaults()));
    assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
    assertEquals(absentMessage(file), e.getMessage());
    assertArrayEquals(CONTENT, Files.readAllBytes(file));
  }

  /** /dev/null is a character device but no TPM: it answers every read with end of file. */
  @Test
  void characterDeviceThatIsNoTpmFailsPromptly() {
    HsmException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                assertThrows(
                    HsmException.class,
                    () ->
                        Tpms.open(
                            TctiSpec.device("/dev/null"),
                            TpmTimeouts.of(Duration.ofSeconds(2), Duration.ofSeconds(2)))));
    assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
    assertEquals(
        "TPM Startup(CLEAR) at device:/dev/null failed: TPM device /dev/null failed: end of file after"
            + " 0 bytes of a TPM response; is it a TPM?",
        e.getMessage());
  }

  private static void assertAbsent(Path path) {
    HsmException e =
        assertThrows(HsmException.class, () -> Tpms.open(TctiSpec.device(path.toString())));
    assertEquals(HsmException.Kind.UNAVAILABLE, e.kind());
    assertEquals(absentMessage(path), e.getMessage());
  }

  static String absentMessage(Path path) {
    return "no TPM at "
        + path
        + " (not a character device); is the TPM driver loaded? (ls -l /dev/tpm*)";
  }
}
