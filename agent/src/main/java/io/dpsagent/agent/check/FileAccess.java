package io.dpsagent.agent.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a user may read or write a path, judged from owners and mode bits as the kernel would
 * (without ACLs): the user needs search permission on every directory above it, too. This lets root
 * check for the service account without becoming it.
 */
public final class FileAccess {

  static final int READ = 4;
  static final int WRITE = 2;
  static final int SEARCH = 1;

  /** Owner, group and permission bits of one file. */
  record Owner(int uid, int gid, int mode) {}

  private FileAccess() {}

  /**
   * Whether {@code user} can do {@code want} (a mask of READ, WRITE) to the existing {@code path}.
   */
  public static boolean allows(ServiceUser user, Path path, int want) throws IOException {
    return blockingDirectory(user, path).isEmpty() && allows(user, owner(path), want);
  }

  /** The first directory above {@code path} the user cannot search, if any. */
  public static Optional<Path> blockingDirectory(ServiceUser user, Path path) throws IOException {
    for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (!allows(user, owner(dir), SEARCH)) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /**
   * The mode-bit rule: the owner's bits for the owner, else the group's for members, else others'.
   */
  static boolean allows(ServiceUser user, Owner file, int want) {
    if (user.isRoot()) {
      return true;
    }
    int bits =
        user.uid() == file.uid()
            ? file.mode() >> 6
            : user.inGroup(file.gid()) ? file.mode() >> 3 : file.mode();
    return (bits & want & 7) == (want & 7);
  }

  static Owner owner(Path path) throws IOException {
    Map<String, Object> unix = Files.readAttributes(path, "unix:uid,gid,mode");
    return new Owner(
        (Integer) unix.get("uid"), (Integer) unix.get("gid"), (Integer) unix.get("mode") & 07777);
  }
}
