package io.dpsagent.agent.config;

import io.dpsagent.common.ConstantNames;
import java.util.Arrays;
import java.util.Optional;
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
  ON_CHANGE,
  /** Register at every start, falling back to the cached assignment when DPS cannot be reached. */
  ALWAYS_AT_START,
  /** Use the cached assignment whenever there is one. */
  NEVER;

  public String configName() {
    return ConstantNames.lowerCase(this);
  }

  static ReprovisionPolicy fromConfig(String value, String key) throws InvalidConfigException {
    Optional<ReprovisionPolicy> policy =
        ConstantNames.find(values(), ReprovisionPolicy::configName, value);
    if (policy.isPresent()) {
      return policy.get();
    }
    throw new InvalidConfigException(
        key,
        "'"
            + value
            + "' is not a policy; use "
            + Arrays.stream(values())
                .map(p -> "\"" + p.configName() + "\"")
                .collect(Collectors.joining(", ")));
  }
}
