package io.dpsagent.agent.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The plain {@code status} command lines, run without picocli: {@code status} with at most {@code
 * --json} and {@code --config FILE} (or {@code --config=FILE}), each once, in any order. Making
 * picocli's first {@code CommandLine} and the command's model costs about half of what {@code
 * status} does after the JVM starts (docs/benchmarks.md, "status start-up"), and these lines are
 * what scripts and monitoring run.
 *
 * <p>This class only accepts or declines: any other line (help, a mistake, a repeated option, an
 * argument file {@code @FILE}, a value that picocli might read as an option) goes to picocli, which
 * parses it, and reports its errors, as before. What it accepts, picocli parses to the same values
 * ({@code PlainStatusLineTest}).
 */
final class PlainStatusLine {

  private static final String JSON = "--json";
  private static final String CONFIG = "--config";

  private PlainStatusLine() {}

  /** The {@code status} command {@code args} configure, or empty when picocli is to parse them. */
  static Optional<StatusCommand> parse(String[] args, Main.Context context) {
    if (args.length == 0 || !args[0].equals("status")) {
      return Optional.empty();
    }
    boolean json = false;
    Path config = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      Optional<Path> value = Optional.empty();
      if (arg.equals(JSON) && !json) {
        json = true;
        continue;
      } else if (arg.equals(CONFIG) && i + 1 < args.length) {
        value = path(args[++i]);
      } else if (arg.startsWith(CONFIG + "=")) {
        value = path(arg.substring(CONFIG.length() + 1));
      }
      if (value.isEmpty() || config != null) {
        return Optional.empty();
      }
      config = value.get();
    }
    return Optional.of(StatusCommand.of(context, json, Optional.ofNullable(config)));
  }

  /** The path {@code value} names, unless it is one picocli could read otherwise. */
  private static Optional<Path> path(String value) {
    if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(value));
    } catch (InvalidPathException e) {
      return Optional.empty(); // picocli says what is wrong with it
    }
  }
}
