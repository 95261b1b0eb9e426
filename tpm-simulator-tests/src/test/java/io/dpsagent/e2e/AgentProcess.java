package io.dpsagent.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code dps-agent} in a JVM of its own, for what one process cannot show about another: file
 * locks belong to a process, and the PID a message names must be another process's.
 */
final class AgentProcess implements AutoCloseable {

  private static final Duration BOUND = Duration.ofSeconds(30);

  private final Process process;
  private final Path stderr;

  private AgentProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  /** Starts {@code dps-agent ARGS}; its standard error goes to {@code stderr}. */
  static AgentProcess start(Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.dpsagent.agent.cli.Main"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile()).start();
    return new AgentProcess(process, stderr);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** Waits for the process to end by itself and returns its exit code. */
  int awaitExit() throws Exception {
    if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("dps-agent did not exit within " + BOUND + "; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  /** SIGTERM, as systemd stops the daemon, then the exit code. */
  int stop() throws Exception {
    process.destroy();
    return awaitExit();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
