package io.dpsagent.agent.check;

import java.util.Map;
import java.util.Set;

/**
 * The account whose access the checks judge: the one the service runs as.
 *
 * @param groups the user's groups, primary and supplementary, by gid → name
 */
public record ServiceUser(String name, int uid, int gid, Map<Integer, String> groups) {

  public ServiceUser {
    groups = Map.copyOf(groups);
  }

  public boolean isRoot() {
    return uid == 0;
  }

  public boolean inGroup(int groupId) {
    return groups.containsKey(groupId);
  }

  public Set<String> groupNames() {
    return Set.copyOf(groups.values());
  }

  @Override
  public String toString() {
    return name + " (uid " + uid + ")";
  }
}
