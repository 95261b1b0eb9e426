package io.dpsagent.agent.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * When the daemon registers with DPS although it holds an assignment ({@code [provisioning]
 * reprovision}). Explicit requests ({@code dps-agent reprovision}, SIGUSR1) and the application's
 * report of a hub rejection always register again, whatever the policy.
 */
public enum ReprovisionPolicy {
  /**
   * Register again only when the identity changed (registration ID, key, certificate, endpoint,
   * scope).
   */
  ON_CHANGE("on_change"),
  /** Register at every start, falling back to the cached assignment when DPS cannot be reached. */
  ALWAYS_AT_START("always_at_start"),
  /** Use the cached assignment whenever there is one. */
  NEVER("never");

  private final String configName;

  ReprovisionPolicy(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  static ReprovisionPolicy fromConfig(String value, String key) throws InvalidConfigException {
    for (ReprovisionPolicy policy : values()) {
      if (policy.configName.equals(value)) {
        return policy;
      }
    }
    throw new InvalidConfigException(
        key,
        "'"
            + value
            + "' is not a policy; use "
            + Arrays.stream(values())
                .map(p -> "\"" + p.configName + "\"")
                .collect(Collectors.joining(", ")));
  }
}
