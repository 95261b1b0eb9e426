package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads the agent's configuration. */
final class ConfigOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "config file (default: ${DEFAULT-VALUE})")
  Path file = ConfigLoader.DEFAULT_PATH;

  /** Loads the file, its drop-ins and the environment overrides. */
  AgentConfig load(Map<String, String> environment) throws AgentException {
    return new ConfigLoader(environment).load(file);
  }
}
