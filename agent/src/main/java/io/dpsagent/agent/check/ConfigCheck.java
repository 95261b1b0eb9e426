package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import java.nio.file.Path;

/**
 * {@code config}: the config file, its drop-ins and the environment overrides load, every key
 * checked. The loader's one-line messages already name the file and key, and most end in the fix
 * after a semicolon; that part becomes the fix.
 */
final class ConfigCheck {

  static final String ID = "config";

  private ConfigCheck() {}

  static CheckResult loaded(AgentConfig config) {
    return new CheckResult(
        ID,
        Verdict.ok(
            config.source()
                + " is valid: "
                + config.provisioning().attestation().method()
                + " attestation over "
                + config.provisioning().transport().configName()
                + " to "
                + config.provisioning().endpoint()
                + ", ID scope "
                + config.provisioning().idScope()));
  }

  static CheckResult failed(Path file, AgentException e) {
    String message = e.getMessage();
    int semicolon = message.lastIndexOf("; ");
    return semicolon < 0
        ? new CheckResult(
            ID,
            Verdict.error(
                e.kind(),
                message,
                "correct it in " + file + " (every key is described in docs/configuration.md)"))
        : new CheckResult(
            ID,
            Verdict.error(
                e.kind(), message.substring(0, semicolon), message.substring(semicolon + 2)));
  }
}
