package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/** A command that reads the agent's configuration ({@code --config}). */
abstract class ConfiguredCommand extends ContextCommand {

  @Mixin ConfigOption config;

  /** What picocli sets for a command made without it: the context and {@code --config}. */
  final void configure(Main.Context context, Optional<Path> file) {
    this.context = context;
    config = new ConfigOption();
    if (file.isPresent()) {
      config.file = file.get();
    }
  }

  /** The configuration file, its drop-ins and the environment overrides. */
  final AgentConfig loadConfig() throws AgentException {
    return config.load(context.environment());
  }
}
