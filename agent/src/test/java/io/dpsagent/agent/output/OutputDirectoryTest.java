package io.dpsagent.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.log.LogCapture;
import io.dpsagent.common.AtomicFiles;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OutputDirectoryTest {

  private static final Optional<String> KEY = Optional.of("the device key (connection-string)");

  @TempDir Path home;

  private LogCapture log;

  @BeforeEach
  void captureWarnings() {
    log = LogCapture.of(OutputDirectory.class);
  }

  @AfterEach
  void releaseWarnings() {
    log.close();
  }

  private List<String> warnings() {
    return log.messages(Log.Level.WARNING);
  }

  /** What refusing {@code dir} says when it is writable by everyone and would hold a key. */
  static String worldWritableRefusal(Path dir) {
    return "output.dir "
        + dir
        + " is writable by everyone (mode rwxrwxrwx) and would hold the device key "
        + "(connection-string); run: chmod 750 "
        + dir;
  }

  /** Prepares {@code dir}, named by {@code key}, for the device key, which must be refused. */
  private static AgentException refusal(String key, Path dir) {
    return assertThrows(
        AgentException.class, () -> OutputDirectory.prepare(key, dir, AtomicFiles.OWNER_ONLY, KEY));
  }

  /** An existing output directory of {@code mode}. */
  private Path directory(String mode) throws Exception {
    Path dir = Files.createDirectory(home.resolve("out"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    return dir;
  }

  @Test
  void aMissingDirectoryIsCreatedWithItsModeAndNoProbeIsLeft() throws Exception {
    Path dir = home.resolve("a").resolve("out");

    OutputDirectory.prepare("output.dir", dir, PosixFilePermissions.fromString("rwxr-x---"), KEY);

    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    try (Stream<Path> listing = Files.list(dir)) {
      assertEquals(0, listing.count());
    }
    assertEquals(List.of(), warnings());
  }

  @Test
  void aProbeLeftByAKilledRunIsRemovedByTheNextOne() throws Exception {
    Path dir = directory("rwxr-x---");
    Files.writeString(dir.resolve(OutputDirectory.PROBE), "left by a run killed while probing\n");

    OutputDirectory.prepare("output.dir", dir, AtomicFiles.OWNER_ONLY, KEY);

    try (Stream<Path> listing = Files.list(dir)) {
      assertEquals(List.of(), listing.toList());
    }
  }

  @Test
  void aLinkInThePlaceOfTheProbeIsNotFollowed() throws Exception {
    Path dir = directory("rwxr-x---");
    Path target = home.resolve("elsewhere");
    Files.createSymbolicLink(dir.resolve(OutputDirectory.PROBE), target);

    assertThrows(
        AgentException.class,
        () -> OutputDirectory.prepare("output.dir", dir, AtomicFiles.OWNER_ONLY, KEY));
    assertFalse(Files.exists(target), "nothing was written through the link");
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsNotADirectory() throws Exception {
    Path file = Files.writeString(home.resolve("file"), "x");

    AgentException e = refusal("output.dir", file);

    assertEquals(AgentException.Kind.CONFIG, e.kind());
    assertEquals(
        "output.dir "
            + file
            + " cannot be written: not a directory; a file is in the way; "
            + "set output.dir to a directory",
        e.getMessage());
  }

  @Test
  void theKeyNamedInTheMessageIsTheOneConfigured() throws Exception {
    Path dir = Files.writeString(home.resolve("file"), "x").resolve("run");

    AgentException e = refusal("output.token_dir", dir);

    assertEquals(
        "output.token_dir "
            + dir
            + " cannot be written: not a directory; a file is in the way; "
            + "set output.token_dir to a directory",
        e.getMessage());
  }

  // Root can write anywhere except on read-only mounts, which a test cannot make: these errors are
  // injected. Each case: the directory, what writing in it threw, the message.
  static Stream<Arguments> injectedFailures() {
    return Stream.of(
        arguments(
            "a read-only file system is named with its fix",
            "/media/ro/out",
            new FileSystemException("/media/ro/out/.probe.tmp-0a1b", null, "Read-only file system"),
            "output.dir /media/ro/out cannot be written: read-only file system; "
                + "set output.dir to a directory on a writable file system"),
        arguments(
            "permission denied on a parent names the parent",
            "/var/lib/dps-agent/out",
            new AccessDeniedException("/var/lib/dps-agent"),
            "output.dir /var/lib/dps-agent/out cannot be written: "
                + "permission denied (at /var/lib/dps-agent); let the agent's user write there "
                + "(chown or chmod it) or set output.dir to a directory it can write"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injectedFailures")
  void anUnwritableDirectoryIsAConfigErrorWithItsFix(
      String name, String dir, FileSystemException failure, String message) {
    AgentException e = OutputDirectory.unusable("output.dir", Path.of(dir), failure);

    assertEquals(AgentException.Kind.CONFIG, e.kind());
    assertEquals(message, e.getMessage());
  }

  @Test
  void otherFailuresKeepTheSystemsReason() {
    assertEquals(
        "no space left on device",
        OutputDirectory.reason(new FileSystemException("/x", null, "No space left on device")));
    assertEquals(
        "operation not permitted",
        OutputDirectory.reason(new FileSystemException("/x", null, "Operation not permitted")));
  }

  @Test
  void aWorldWritableDirectoryIsRefusedForASecret() throws Exception {
    Path dir = directory("rwxrwxrwx");

    AgentException e = refusal("output.dir", dir);

    assertEquals(worldWritableRefusal(dir), e.getMessage());
  }

  @Test
  void aWorldWritableDirectoryWithoutSecretsIsUsedWithAWarning() throws Exception {
    Path dir = directory("rwxrwxrwx");

    OutputDirectory.prepare("output.dir", dir, AtomicFiles.OWNER_ONLY, Optional.empty());

    assertEquals(
        List.of(
            "output.dir "
                + dir
                + " is writable by everyone (mode rwxrwxrwx), who can replace the files "
                + "the agent writes; run: chmod 750 "
                + dir),
        warnings());
  }

  @Test
  void aGroupWritableDirectoryGetsASecretWithAWarning() throws Exception {
    Path dir = directory("rwxrwx---");

    OutputDirectory.prepare("output.dir", dir, AtomicFiles.OWNER_ONLY, KEY);

    assertEquals(1, warnings().size());
    assertTrue(
        warnings()
            .get(0)
            .startsWith("output.dir " + dir + " is writable by its group (mode rwxrwx---)"),
        warnings().get(0));
  }
}
