package io.dpsagent.agent.cli;

/** The configs the command tests write: a device of scope 0ne00000042 with its own key. */
final class DeviceConfigs {

  private DeviceConfigs() {}

  /** Device {@code gw-0042}, its symmetric key at {@code keyUri}, then the TOML {@code more}. */
  static String symmetricKey(Object keyUri, String more) {
    return """
        [provisioning]
        id_scope = "0ne00000042"
        [provisioning.attestation]
        method = "symmetric_key"
        registration_id = "gw-0042"
        symmetric_key = { uri = "%s" }
        """
            .formatted(keyUri)
        + more;
  }
}
