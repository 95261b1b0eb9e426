package io.dpsagent.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void writesTheContentWithExactlyTheModeAsked() throws Exception {
    Path target = dir.resolve("connection.json");
    AtomicFiles.write(target, "{}".getBytes(), AtomicFiles.GROUP_READABLE);
    assertEquals("{}", Files.readString(target));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    AtomicFiles.write(target, "{}".getBytes(), AtomicFiles.OWNER_ONLY);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
  }

  @Test
  void replacesTheOldContentAndLeavesNoTemporaryFileBehind() throws Exception {
    Path target = dir.resolve("state.json");
    Files.writeString(target, "old");
    AtomicFiles.write(target, "new".getBytes(), AtomicFiles.OWNER_ONLY);
    assertEquals("new", Files.readString(target));
    assertEquals(List.of("state.json"), names());
  }

  @Test
  void setsTheGroupAsked() throws Exception {
    Path target = dir.resolve("token");
    GroupPrincipal group = Files.readAttributes(dir, PosixFileAttributes.class).group();
    AtomicFiles.write(target, "t".getBytes(), AtomicFiles.GROUP_READABLE, group);
    assertEquals(group, Files.readAttributes(target, PosixFileAttributes.class).group());
  }

  @Test
  void aFailedReplaceKeepsTheOldFileIntactAndCleansUp() throws Exception {
    Path target = dir.resolve("connection.json");
    Files.writeString(target, "old");
    // A non-empty directory cannot be renamed over: the move fails after the temp file is written.
    Path blocker = dir.resolve("blocked");
    Files.createDirectory(blocker);
    Files.writeString(blocker.resolve("child"), "x");
    assertThrows(
        IOException.class,
        () -> AtomicFiles.write(blocker, "new".getBytes(), AtomicFiles.OWNER_ONLY));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("blocked", "connection.json"), names());
  }

  @Test
  void createsMissingDirectoriesWithTheModeAndLeavesExistingOnesAlone() throws Exception {
    Path nested = dir.resolve("a/b");
    AtomicFiles.createDirectory(nested, PosixFilePermissions.fromString("rwx------"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
    Files.setPosixFilePermissions(nested, PosixFilePermissions.fromString("rwxr-x---"));
    AtomicFiles.createDirectory(nested, PosixFilePermissions.fromString("rwx------"));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
  }

  @Test
  void temporaryNamesAreHiddenAndFresh() {
    Path first = AtomicFiles.temporaryIn(dir, "probe");
    Path second = AtomicFiles.temporaryIn(dir, "probe");
    assertTrue(first.getFileName().toString().startsWith(".probe.tmp-"), first.toString());
    assertNotEquals(first, second);
  }

  private List<String> names() throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
