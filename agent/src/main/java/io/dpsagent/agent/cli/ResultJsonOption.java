package io.dpsagent.agent.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code --json} of the commands that register: the result, or the error ({@link Failures} reads
 * the flag from the arguments, as the error can come before picocli has parsed them).
 */
final class ResultJsonOption {

  private static final String NAME = "--json";
  private static final String DESCRIPTION =
      "print the result (or the error) as one JSON document on stdout";

  @Option(names = NAME, description = DESCRIPTION)
  boolean json;

  /** The same option for a command built by code ({@link Specs}), bound to this object. */
  OptionSpec spec() {
    return Specs.flag(NAME, DESCRIPTION, () -> json, value -> json = value);
  }

  /** Prints {@code document} with {@code --json}, else {@code line}, and flushes. */
  void print(Main.Context context, String document, String line) {
    context.out().print(json ? document : line + "\n");
    context.out().flush();
  }
}
