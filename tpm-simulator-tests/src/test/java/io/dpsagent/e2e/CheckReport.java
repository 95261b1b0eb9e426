package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code dps-agent check} on a test device and reads its report: one line a check, {@code
 * [status] id: message — fix: fix}.
 */
final class CheckReport {

  /** What stands between a check's message and its fix. */
  static final String DASH_FIX = " \u2014 fix: ";

  private CheckReport() {}

  /** {@code dps-agent check} of {@code device}, run as root, with {@code options}. */
  static CliRun check(Device device, String... options) throws Exception {
    return check(Clock.systemUTC(), device, options);
  }

  /** Like {@link #check(Device, String...)}, with {@code clock} as the device's clock. */
  static CliRun check(Clock clock, Device device, String... options) throws Exception {
    String[] args =
        Stream.concat(
                Stream.of("check", "--config", device.writeConfig(), "--user", "root"),
                Stream.of(options))
            .toArray(String[]::new);
    return CliRun.of(clock, args);
  }

  /** The one line of check {@code id}. */
  static String line(CliRun run, String id) {
    List<String> lines =
        run.stdout()
            .lines()
            .filter(l -> l.matches("\\[[a-z]+\\] " + Pattern.quote(id) + ": .*"))
            .toList();
    assertEquals(1, lines.size(), run.toString());
    return lines.get(0);
  }

  /**
   * The run exited with {@code exitCode} because check {@code id} failed: its line is an error
   * ending with {@code ending} (the fix, or the end of the message and the fix). Returns the line
   * for what else the case says of it.
   */
  static String assertErrorLine(CliRun run, int exitCode, String id, String ending) {
    Runs.assertExit(exitCode, run);
    String line = line(run, id);
    assertTrue(line.startsWith("[error] " + id + ": "), line);
    assertTrue(line.endsWith(ending), line);
    return line;
  }

  /** Check {@code id} reported {@code status} with {@code message} and {@code fix} (null: none). */
  static void assertLine(CliRun run, String id, String status, String message, String fix) {
    assertEquals(
        "[" + status + "] " + id + ": " + message + (fix == null ? "" : DASH_FIX + fix),
        line(run, id));
  }
}
