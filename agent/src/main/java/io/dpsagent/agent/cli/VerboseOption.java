package io.dpsagent.agent.cli;

import picocli.CommandLine.Option;

/** {@code -v/--verbose}, for the commands that talk to DPS. */
final class VerboseOption {

  @Option(
      names = {"-v", "--verbose"},
      description = "log each protocol step")
  boolean verbose;

  /** Sets up logging to the context's stderr, at the chosen level. */
  void configureLogging(Main.Context context) {
    Logging.configure(context.err(), context.environment(), verbose);
  }
}
