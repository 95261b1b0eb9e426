package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads the agent's configuration. */
final class ConfigOption {

  private static final String NAME = "--config";
  private static final String LABEL = "FILE";
  private static final String DESCRIPTION = "config file (default: ${DEFAULT-VALUE})";

  @Option(names = NAME, paramLabel = LABEL, description = DESCRIPTION)
  Path file = ConfigLoader.DEFAULT_PATH;

  /** The same option for a command built by code ({@link Specs}), bound to this object. */
  OptionSpec spec() {
    return Specs.bound(
            OptionSpec.builder(NAME).paramLabel(LABEL).description(DESCRIPTION),
            Path.class,
            () -> file,
            value -> file = value)
        .build();
  }

  /** Loads the file, its drop-ins and the environment overrides. */
  AgentConfig load(Map<String, String> environment) throws AgentException {
    return new ConfigLoader(environment).load(file);
  }
}
