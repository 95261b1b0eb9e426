package io.dpsagent.emulator.registry;

import io.dpsagent.common.ConstantNames;

/** Whether an enrollment may provision devices. */
public enum ProvisioningStatus {
  ENABLED,
  DISABLED;

  /** The lower-case spelling used in the config file and on the wire. */
  public String wireName() {
    return ConstantNames.lowerCase(this);
  }

  /**
   * Parses {@code enabled} or {@code disabled}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static ProvisioningStatus fromWireName(String text) {
    return ConstantNames.parse(values(), ProvisioningStatus::wireName, text);
  }
}
