package io.dpsagent.agent.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code -v/--verbose}, for the commands that talk to DPS. */
final class VerboseOption {

  private static final String DESCRIPTION = "log each protocol step";

  @Option(
      names = {"-v", "--verbose"},
      description = DESCRIPTION)
  boolean verbose;

  /** The same option for a command built by code ({@link Specs}), bound to this object. */
  OptionSpec spec() {
    return Specs.flag(
        new String[] {"-v", "--verbose"}, DESCRIPTION, () -> verbose, value -> verbose = value);
  }

  /** Sets up logging to the context's stderr, at the chosen level. */
  void configureLogging(Main.Context context) {
    Logging.configure(context.err(), context.environment(), verbose);
  }
}
