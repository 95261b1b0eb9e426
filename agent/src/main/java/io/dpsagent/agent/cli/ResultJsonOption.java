package io.dpsagent.agent.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json} of the commands that register: the result, or the error ({@link Failures} reads
 * the flag from the arguments, as the error can come before picocli has parsed them).
 */
final class ResultJsonOption {

  @Option(
      names = "--json",
      description = "print the result (or the error) as one JSON document on stdout")
  boolean json;

  /** Prints {@code document} with {@code --json}, else {@code line}, and flushes. */
  void print(Main.Context context, String document, String line) {
    context.out().print(json ? document : line + "\n");
    context.out().flush();
  }
}
