package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code service-user}: the account the service runs as exists. Run as root, {@code check} judges
 * files and groups for that account (default {@value #DEFAULT_USER}, or {@code --user}); run as
 * anyone else, for the current user, since only root can start a service as another user.
 */
public final class ServiceUserCheck extends NamedCheck {

  static final String ID = "service-user";
  static final String DEFAULT_USER = "dps-agent";

  private final Optional<ServiceUser> user;
  private final Verdict verdict;

  private ServiceUserCheck(Optional<ServiceUser> user, Verdict verdict) {
    super(ID);
    this.user = user;
    this.verdict = verdict;
  }

  /**
   * Finds the account: {@code requested}, else {@value #DEFAULT_USER} when {@code current} is root,
   * else {@code current}.
   */
  static ServiceUserCheck resolve(
      Optional<String> requested, ServiceUser current, UserDatabase users) {
    if (requested.isEmpty() && !current.isRoot()) {
      return found(
          current,
          "checking access as the current user "
              + current
              + "; run check as root to judge the service account "
              + DEFAULT_USER);
    }
    String name = requested.orElse(DEFAULT_USER);
    return users
        .user(name)
        .map(
            u ->
                found(
                    u, "checking access as " + u + ", groups " + String.join(",", u.groupNames())))
        .orElseGet(
            () ->
                new ServiceUserCheck(
                    Optional.empty(),
                    Verdict.error(
                        AgentException.Kind.CONFIG,
                        "user " + name + " does not exist in /etc/passwd",
                        requested.isPresent()
                            ? "create it (useradd --system "
                                + name
                                + "), or pass the service's User= with --user"
                            : "create it: systemd-sysusers (the package's sysusers.d/dps-agent.conf), or pass the service's"
                                + " User= with --user")));
  }

  private static ServiceUserCheck found(ServiceUser user, String message) {
    return new ServiceUserCheck(Optional.of(user), Verdict.ok(message));
  }

  /**
   * The process's own account, from the kernel ({@code /proc/self/status}), named by {@code users}.
   */
  public static ServiceUser current(UserDatabase users) throws IOException {
    int uid = -1;
    int gid = -1;
    Map<Integer, String> groups = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      String[] fields = line.split("\\s+");
      switch (fields[0]) {
        case "Uid:" -> uid = Integer.parseInt(fields[1]);
        case "Gid:" -> gid = Integer.parseInt(fields[1]);
        case "Groups:" -> {
          for (int i = 1; i < fields.length; i++) {
            int g = Integer.parseInt(fields[i]);
            groups.put(g, users.groupName(g));
          }
        }
        default -> {}
      }
    }
    groups.put(gid, users.groupName(gid));
    return new ServiceUser(System.getProperty("user.name"), uid, gid, groups);
  }

  /** The account to judge access for; empty when it does not exist. */
  Optional<ServiceUser> user() {
    return user;
  }

  @Override
  public Verdict run() {
    return verdict;
  }
}
