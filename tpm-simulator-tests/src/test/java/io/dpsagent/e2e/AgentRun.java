package io.dpsagent.e2e;

import io.dpsagent.agent.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The outcome of one in-process {@code dps-agent} invocation: exit code and both streams. */
record AgentRun(int exitCode, String stdout, String stderr) {

  static AgentRun of(Clock clock, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e, clock, d -> Thread.sleep(d.toMillis()));
    }
    return new AgentRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static AgentRun of(String... args) {
    return of(Clock.systemUTC(), args);
  }

  /** Both streams, for checks that nothing secret was printed anywhere. */
  String everything() {
    return stdout + stderr;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}
