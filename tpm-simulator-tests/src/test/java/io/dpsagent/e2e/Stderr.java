package io.dpsagent.e2e;

import io.dpsagent.agent.cli.CliRun;
import java.util.List;

/** What a run's stderr says, read the way the tests check it. */
final class Stderr {

  private Stderr() {}

  /** The last line, where a failed run says why it gave up; empty when there is none. */
  static String lastLine(CliRun run) {
    List<String> lines = run.stderr().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** How many times the run announced another attempt. */
  static long retries(CliRun run) {
    return run.stderr().lines().filter(l -> l.contains("; retrying in ")).count();
  }
}
