package io.dpsagent.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Replaces files so that a reader sees either the old content or the new, never a mix, even if the
 * machine loses power midway: write a temp file in the same directory with its final mode, fsync
 * it, rename it over the target, fsync the directory.
 *
 * <p>Strict on purpose: a file system that cannot rename atomically, or a failed fsync, is an error
 * rather than a silent downgrade to a write that a crash could tear.
 */
public final class AtomicFiles {

  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> GROUP_READABLE =
      PosixFilePermissions.fromString("rw-r-----");

  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Atomically replaces {@code target} with {@code content}, created with {@code mode}. */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    write(target, content, mode, null);
  }

  /**
   * As {@link #write(Path, byte[], Set)}, owned by {@code group} (null: the process's group). The
   * group is set on the temporary file, so the target never exists with the wrong one.
   */
  public static void write(
      Path target, byte[] content, Set<PosixFilePermission> mode, GroupPrincipal group)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = temporaryIn(dir, target.getFileName().toString());
    try {
      // The mode is set at creation so the content is never readable by others, not even briefly.
      try (FileChannel out =
          FileChannel.open(
              temp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(mode))) {
        Files.setPosixFilePermissions(
            temp, mode); // undo the umask, which may have removed bits we want
        if (group != null) {
          Files.getFileAttributeView(temp, PosixFileAttributeView.class).setGroup(group);
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      move(temp, target);
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Removes {@code target} if it exists, durably: the directory is fsynced before this returns. */
  public static void delete(Path target) throws IOException {
    if (Files.deleteIfExists(target)) {
      fsyncDirectory(target.toAbsolutePath().getParent());
    }
  }

  /** Creates {@code dir} (and parents) if missing; each directory created gets {@code mode}. */
  public static void createDirectory(Path dir, Set<PosixFilePermission> mode) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(mode));
    }
  }

  /** A fresh hidden name in {@code dir} for a short-lived file standing in for {@code name}. */
  public static Path temporaryIn(Path dir, String name) {
    return dir.resolve("." + name + ".tmp-" + HexFormat.of().formatHex(randomBytes()));
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("file system of " + target + " cannot rename atomically", e);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
