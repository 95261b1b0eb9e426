package io.dpsagent.e2e;

import io.dpsagent.agent.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code dps-agent} in a JVM of its own, for what only a real process shows: signals, exit codes
 * the JVM picks, locks between processes. The class path is this test's.
 */
final class AgentProcess implements AutoCloseable {

  private final Process process;
  private final Path stderr;

  private AgentProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  static AgentProcess start(Path logDir, Map<String, String> environment, String... args)
      throws IOException {
    Path err = Files.createTempFile(Files.createDirectories(logDir), "agent-", ".stderr");
    ProcessBuilder builder =
        builder(environment, args)
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    return new AgentProcess(builder.start(), err);
  }

  /** {@code dps-agent run} that replaces its JVM after 1 s of quiet serving, as the launcher's. */
  static AgentProcess freshJvmDaemon(Path logDir, String config) throws IOException {
    return start(logDir, Map.of("DPS_AGENT_LEAN_RESTART", "1"), "run", "--config", config);
  }

  /**
   * Runs one command to its end, as an in-process run would report it, with {@code stdin} as its
   * standard input, for a process that must have an environment of its own (a PKCS#11 module reads
   * its configuration from there).
   */
  static CliRun run(Path logDir, Map<String, String> environment, String stdin, String... args)
      throws IOException, InterruptedException {
    Path dir = Files.createDirectories(logDir);
    Path in = Files.createTempFile(dir, "agent-", ".stdin");
    Path out = Files.createTempFile(dir, "agent-", ".stdout");
    Path err = Files.createTempFile(dir, "agent-", ".stderr");
    try {
      Files.writeString(in, stdin);
      ProcessBuilder builder =
          builder(environment, args)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      try (AgentProcess agent = new AgentProcess(builder.start(), err)) {
        int exit = agent.awaitExit(Duration.ofSeconds(90));
        return new CliRun(exit, Files.readString(out), Files.readString(err));
      }
    } finally {
      Files.deleteIfExists(in); // may hold a key
    }
  }

  private static ProcessBuilder builder(Map<String, String> environment, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.dpsagent.agent.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    return builder;
  }

  /**
   * Waits up to 30 s for {@code condition}; fails at once, with the stderr, if the process ends.
   */
  void await(String what, BooleanSupplier condition) throws InterruptedException {
    Awaits.until(
        what,
        Duration.ofSeconds(30),
        condition,
        this::isAlive,
        () -> "; dps-agent stderr:\n" + stderr());
  }

  /**
   * Waits until the daemon serves from a fresh JVM ({@code DPS_AGENT_LEAN_RESTART}) and that JVM
   * has written the hub token: two rewrites after the exec, so the file is the new JVM's.
   */
  void awaitTokenFromAFreshJvm() throws InterruptedException {
    await("the handover", () -> environment().contains("DPS_AGENT_HANDOVER="));
    int rewrites = tokensWritten();
    await("two hub tokens from the fresh JVM", () -> tokensWritten() >= rewrites + 2);
  }

  private int tokensWritten() {
    return stderr().split("wrote a hub token", -1).length - 1;
  }

  /** Waits for the process to end by itself and returns its exit code. */
  int awaitExit() throws InterruptedException {
    return awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM, as systemd stops the daemon, then the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    return awaitExit();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The environment the process's current program was started with: after the daemon replaced its
   * JVM, the new one's. Empty once the process has ended.
   */
  String environment() {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code USR1}) as systemd would. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** The exit code, or fails when the process is still running after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "dps-agent still running after " + timeout + "; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(stderr unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
