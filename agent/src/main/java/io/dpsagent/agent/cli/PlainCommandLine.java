package io.dpsagent.agent.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plain {@code status} and {@code provision} command lines, run without picocli: the command
 * with at most its flags and {@code --config FILE} (or {@code --config=FILE}), each once, in any
 * order. Making picocli's first {@code CommandLine} (its interpreter registers a converter for
 * every type it knows, loading {@code java.sql} and {@code java.time.format} on the way) and the
 * command's model costs about half of what {@code status} does after the JVM starts, and 30 ms of a
 * provisioning run (docs/benchmarks.md, "status start-up", "provision start-up"). These lines are
 * what scripts, monitoring and factory stations run.
 *
 * <p>This class only accepts or declines: any other line (help, a mistake, a repeated option, an
 * argument file {@code @FILE}, a value that picocli might read as an option) goes to picocli, which
 * parses it, and reports its errors, as before. What it accepts, picocli parses to the same values
 * ({@code PlainCommandLineTest}).
 */
final class PlainCommandLine {

  private static final String CONFIG = "--config";

  /** Each command's flags, by every name they have, to the one they are known by here. */
  private static final Map<String, Map<String, String>> FLAGS =
      Map.of(
          "status",
          Map.of("--json", "json"),
          "provision",
          Map.of("--json", "json", "-v", "verbose", "--verbose", "verbose"));

  /** What a plain line says: the command, the flags given (by their names here), the config. */
  private record Line(String command, Set<String> flags, Optional<Path> config) {}

  private PlainCommandLine() {}

  /** The command {@code args} configure, or empty when picocli is to parse them. */
  static Optional<ContextCommand> parse(String[] args, Main.Context context) {
    return line(args).map(line -> command(line, context));
  }

  private static ContextCommand command(Line line, Main.Context context) {
    boolean json = line.flags().contains("json");
    return line.command().equals("status")
        ? StatusCommand.of(context, json, line.config())
        : ProvisionCommand.of(context, json, line.flags().contains("verbose"), line.config());
  }

  /** The plain line {@code args} are, or empty when picocli is to parse them. */
  private static Optional<Line> line(String[] args) {
    Map<String, String> flags = args.length == 0 ? null : FLAGS.get(args[0]);
    if (flags == null) {
      return Optional.empty();
    }
    Set<String> given = new HashSet<>();
    Path config = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String flag = flags.get(arg);
      if (flag != null) {
        if (!given.add(flag)) {
          return Optional.empty();
        }
        continue;
      }
      Optional<Path> value = Optional.empty();
      if (arg.equals(CONFIG) && i + 1 < args.length) {
        value = path(args[++i]);
      } else if (arg.startsWith(CONFIG + "=")) {
        value = path(arg.substring(CONFIG.length() + 1));
      }
      if (value.isEmpty() || config != null) {
        return Optional.empty();
      }
      config = value.get();
    }
    return Optional.of(new Line(args[0], Set.copyOf(given), Optional.ofNullable(config)));
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
