package io.dpsagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of an external tool: its exit code and its output (stdout and stderr together). */
record Command(List<String> argv, int exitCode, String output) {

  private static final long TIMEOUT_SECONDS = 120;

  static Command run(String... argv) {
    return run(Map.of(), argv);
  }

  /** Runs {@code argv} with {@code env} added to this process's environment; bounded in time. */
  static Command run(Map<String, String> env, String... argv) {
    try {
      Path log = Files.createTempFile("command", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("SYSTEMD_COLORS", "0");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail(argv[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Command(
            List.of(argv), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + argv[0], e);
    }
  }

  /** Runs {@code argv} and requires exit code 0; returns the output. */
  static String succeed(String... argv) {
    return run(argv).requireSuccess();
  }

  String requireSuccess() {
    assertEquals(0, exitCode, () -> String.join(" ", argv) + " failed:\n" + output);
    return output;
  }

  /** Fails the test, naming the package that brings {@code tool}, unless it is on the PATH. */
  static void requireTool(String tool, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    fail(
        tool
            + " is not installed; install the Debian package "
            + debianPackage
            + " (./test.sh does)");
  }
}
