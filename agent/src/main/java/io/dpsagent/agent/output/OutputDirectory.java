package io.dpsagent.agent.output;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.log.Log;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A directory the agent is about to write into, checked before the first network call: a
 * registration changes state in DPS (a record, perhaps a device on a new hub), so finding out only
 * afterwards that nothing can be written leaves DPS and the device disagreeing.
 */
public final class OutputDirectory {

  private static final Log LOG = Log.of(OutputDirectory.class);

  private OutputDirectory() {}

  /**
   * Creates {@code dir} if missing (with {@code newMode}), proves it writable by creating and
   * removing a probe file, and checks who else may write there. {@code key} names the config key in
   * messages; {@code secret} names the secret file that would be written, if any: a directory
   * everybody may write is refused for it, and only warned about otherwise.
   */
  public static void prepare(
      String key, Path dir, Set<PosixFilePermission> newMode, Optional<String> secret)
      throws AgentException {
    try {
      AtomicFiles.createDirectory(dir, newMode);
      probe(dir);
      checkWriters(key, dir, Files.getPosixFilePermissions(dir), secret);
    } catch (IOException e) {
      throw unusable(key, dir, e);
    }
  }

  /**
   * One name, not a fresh one each time: a run killed between creating the probe and removing it
   * leaves this one file, which the next run's probe opens again and removes. (With a fresh name
   * every killed probe stayed.) Two runs probing at once share the file; the second's write lands
   * in a file the first may already have unlinked, which proves the same.
   */
  static final String PROBE = ".probe";

  private static void probe(Path dir) throws IOException {
    Path probe = dir.resolve(PROBE);
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            probe,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  static void checkWriters(
      String key, Path dir, Set<PosixFilePermission> mode, Optional<String> secret)
      throws AgentException {
    boolean everyone = mode.contains(PosixFilePermission.OTHERS_WRITE);
    if (!everyone && !mode.contains(PosixFilePermission.GROUP_WRITE)) {
      return;
    }
    String shown = PosixFilePermissions.toString(mode);
    if (everyone && secret.isPresent()) {
      throw AgentException.config(
          key
              + " "
              + dir
              + " is writable by everyone (mode "
              + shown
              + ") and would hold "
              + secret.get()
              + "; run: chmod 750 "
              + dir);
    }
    LOG.warning(
        key
            + " "
            + dir
            + " is writable by "
            + (everyone ? "everyone" : "its group")
            + " (mode "
            + shown
            + "), who can replace the files the agent writes; run: chmod 750 "
            + dir);
  }

  /**
   * The one-line failure for a directory that cannot be written: the key, the reason and the fix.
   */
  static AgentException unusable(String key, Path dir, IOException e) {
    String reason = reason(e);
    // Name the path that failed when it is an ancestor in the way, not the directory or a probe in
    // it.
    String where =
        e instanceof FileSystemException f
                && f.getFile() != null
                && !Path.of(f.getFile()).startsWith(dir)
            ? " (at " + f.getFile() + ")"
            : "";
    return AgentException.config(
        key + " " + dir + " cannot be written: " + reason + where + "; " + fix(key, reason));
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "not a directory"; // createDirectories found a file where the directory should be
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String fix(String key, String reason) {
    return switch (reason) {
      case "not a directory" -> "a file is in the way; set " + key + " to a directory";
      case "permission denied", "operation not permitted" ->
          "let the agent's user write there (chown or chmod it) or set "
              + key
              + " to a directory it can write";
      case "read-only file system" -> "set " + key + " to a directory on a writable file system";
      default -> "fix the directory or set " + key + " to another one";
    };
  }
}
