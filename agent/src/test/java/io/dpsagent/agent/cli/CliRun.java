package io.dpsagent.agent.cli;

import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.agent.dps.RegistrationClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** The outcome of one in-process {@code dps-agent} invocation: exit code and both streams. */
public record CliRun(int exitCode, String stdout, String stderr) {

  /** Runs with real time, no standard input and an empty environment. */
  public static CliRun of(String... args) {
    return with("", Map.of(), Clock.systemUTC(), args);
  }

  public static CliRun of(Clock clock, String... args) {
    return with("", Map.of(), clock, args);
  }

  public static CliRun withStdin(String stdin, String... args) {
    return with(stdin, Map.of(), Clock.systemUTC(), args);
  }

  public static CliRun with(
      String stdin, Map<String, String> environment, Clock clock, String... args) {
    return with(stdin, environment, clock, new Signals(), args);
  }

  /** A run that {@code stop} can end (the daemon). */
  public static CliRun until(Signals stop, Map<String, String> environment, String... args) {
    return with("", environment, Clock.systemUTC(), stop, args);
  }

  /**
   * A run whose waits between DPS requests go through {@code sleeper} (to line several runs up).
   */
  public static CliRun sleepingWith(RegistrationClient.Sleeper sleeper, String... args) {
    return with("", Map.of(), Clock.systemUTC(), new Signals(), sleeper, args);
  }

  private static CliRun with(
      String stdin, Map<String, String> environment, Clock clock, Signals stop, String... args) {
    return with(stdin, environment, clock, stop, d -> Thread.sleep(d.toMillis()), args);
  }

  private static CliRun with(
      String stdin,
      Map<String, String> environment,
      Clock clock,
      Signals stop,
      RegistrationClient.Sleeper sleeper,
      String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          Main.run(
              args,
              new Main.Context(
                  new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                  o,
                  e,
                  environment,
                  clock,
                  sleeper,
                  stop));
    }
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Both streams, for checks that nothing secret was printed anywhere. */
  public String everything() {
    return stdout + stderr;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}
