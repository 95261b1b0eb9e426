package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import picocli.CommandLine.Mixin;

/** A command that reads the agent's configuration ({@code --config}). */
abstract class ConfiguredCommand extends ContextCommand {

  @Mixin ConfigOption config;

  /** The configuration file, its drop-ins and the environment overrides. */
  final AgentConfig loadConfig() throws AgentException {
    return config.load(context.environment());
  }
}
