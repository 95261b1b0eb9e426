package io.dpsagent.emulator.registry;

import java.util.Locale;

/** Whether an enrollment may provision devices. */
public enum ProvisioningStatus {
  ENABLED,
  DISABLED;

  /** The lower-case spelling used in the config file and on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code enabled} or {@code disabled}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static ProvisioningStatus fromWireName(String text) {
    for (ProvisioningStatus status : values()) {
      if (status.wireName().equals(text)) {
        return status;
      }
    }
    throw new IllegalArgumentException("must be \"enabled\" or \"disabled\"");
  }
}
