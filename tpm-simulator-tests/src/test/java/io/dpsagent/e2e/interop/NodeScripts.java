package io.dpsagent.e2e.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the Node scripts under {@code tpm-simulator-tests/interop} (the official Node SDKs) as child
 * processes: the request goes to stdin as JSON, so keys never show in a process listing; the
 * outcome is the one JSON line the script prints.
 */
final class NodeScripts {

  static final ObjectMapper JSON = new ObjectMapper();
  // Surefire runs tests in the module directory.
  static final Path DIRECTORY = Path.of("interop").toAbsolutePath();
  // The script's own timeout (timeoutSeconds in the request) fires first; this one is the backstop.
  private static final Duration GRACE = Duration.ofSeconds(15);

  /** A finished script: its exit code, its one-line JSON outcome and what it wrote to stderr. */
  record Run(int exitCode, JsonNode outcome, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + ", stdout " + outcome + "\n--- stderr\n" + stderr;
    }
  }

  private NodeScripts() {}

  /**
   * Runs {@code node <script>} with {@code request} on stdin, trusting {@code caFile}.
   *
   * @param request a JSON object; its {@code timeoutSeconds} bounds the SDK call inside the script
   */
  static Run run(String script, JsonNode request, Path caFile)
      throws IOException, InterruptedException {
    requireInstalledSdks();
    Duration limit = Duration.ofSeconds(request.path("timeoutSeconds").asLong(30)).plus(GRACE);
    Path scratch = Files.createTempDirectory("node-sdk-");
    try {
      Path stdout = scratch.resolve("stdout");
      Path stderr = scratch.resolve("stderr");
      ProcessBuilder builder =
          new ProcessBuilder("node", DIRECTORY.resolve(script).toString())
              .directory(DIRECTORY.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      builder.environment().put("NODE_EXTRA_CA_CERTS", caFile.toString());
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(JSON.writeValueAsBytes(request));
      }
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(
            "node "
                + script
                + " did not exit within "
                + limit.toSeconds()
                + " s\n--- stderr\n"
                + Files.readString(stderr));
      }
      String err = Files.readString(stderr, StandardCharsets.UTF_8);
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      if (out.lines().count() != 1) {
        throw new AssertionError(
            "node "
                + script
                + " must print one JSON line, printed:\n"
                + out
                + "\n--- stderr\n"
                + err);
      }
      return new Run(process.exitValue(), JSON.readTree(out), err);
    } finally {
      deleteRecursively(scratch);
    }
  }

  private static void requireInstalledSdks() {
    if (!Files.isDirectory(DIRECTORY.resolve("node_modules"))) {
      throw new AssertionError(
          "the Node SDKs are not installed in "
              + DIRECTORY
              + ": run ./test.sh from the repository root (or `npm ci --ignore-scripts` in that directory) first");
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
