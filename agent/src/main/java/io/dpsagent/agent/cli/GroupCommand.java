package io.dpsagent.agent.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Commands that only group subcommands ({@code dps-agent}, {@code tpm}, {@code pkcs11}). */
final class GroupCommand {

  private GroupCommand() {}

  /** Called without a subcommand: a usage error (exit 2, usage printed), never a crash. */
  static ParameterException missingSubcommand(CommandSpec spec) {
    return new ParameterException(
        spec.commandLine(), "missing command; see " + spec.qualifiedName() + " --help");
  }
}
