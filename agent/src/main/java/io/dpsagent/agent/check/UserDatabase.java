package io.dpsagent.agent.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local accounts, from {@code /etc/passwd} and {@code /etc/group} (where systemd-sysusers puts
 * the service account). Accounts only a network directory knows are not seen.
 */
public final class UserDatabase {

  private final List<String[]> passwd;
  private final List<String[]> group;

  private UserDatabase(List<String[]> passwd, List<String[]> group) {
    this.passwd = passwd;
    this.group = group;
  }

  public static UserDatabase system() throws IOException {
    return read(Path.of("/etc/passwd"), Path.of("/etc/group"));
  }

  public static UserDatabase read(Path passwdFile, Path groupFile) throws IOException {
    return new UserDatabase(records(passwdFile), records(groupFile));
  }

  /** The user with that name and all its groups. */
  public Optional<ServiceUser> user(String name) {
    return passwd.stream()
        .filter(r -> r.length >= 4 && r[0].equals(name))
        .findFirst()
        .map(r -> withGroups(name, Integer.parseInt(r[2]), Integer.parseInt(r[3])));
  }

  /** The gid of a group name. */
  public Optional<Integer> groupId(String name) {
    return group.stream()
        .filter(r -> r.length >= 3 && r[0].equals(name))
        .findFirst()
        .map(r -> Integer.parseInt(r[2]));
  }

  /** The name of a gid, or the number when no group has it. */
  public String groupName(int gid) {
    return group.stream()
        .filter(r -> r.length >= 3 && r[2].equals(Integer.toString(gid)))
        .findFirst()
        .map(r -> r[0])
        .orElse(Integer.toString(gid));
  }

  private ServiceUser withGroups(String name, int uid, int gid) {
    Map<Integer, String> groups = new HashMap<>();
    groups.put(gid, groupName(gid));
    for (String[] r : group) {
      if (r.length >= 4 && List.of(r[3].split(",")).contains(name)) {
        groups.put(Integer.parseInt(r[2]), r[0]);
      }
    }
    return new ServiceUser(name, uid, gid, groups);
  }

  private static List<String[]> records(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split(":", -1))
        .filter(UserDatabase::numericIds)
        .toList();
  }

  private static boolean numericIds(String[] r) {
    try {
      if (r.length >= 3) {
        Integer.parseInt(r[2]);
      }
      if (r.length >= 7) { // a passwd line: its gid too
        Integer.parseInt(r[3]);
      }
      return r.length >= 3;
    } catch (NumberFormatException e) {
      return false; // NIS "+" lines and the like
    }
  }
}
