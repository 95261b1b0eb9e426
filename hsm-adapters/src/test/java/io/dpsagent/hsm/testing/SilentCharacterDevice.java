package io.dpsagent.hsm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real character device that takes a command and never answers: the terminal side of a pseudo
 * terminal that util-linux {@code script} holds open. Reading it waits for a line typed into the
 * terminal, and nobody types, so a TPM command sent there blocks the way a wedged TPM would.
 */
public final class SilentCharacterDevice implements AutoCloseable {

  private final Process holder;
  private final Path path;

  private SilentCharacterDevice(Process holder, Path path) {
    this.holder = holder;
    this.path = path;
  }

  public static SilentCharacterDevice start() {
    try {
      // stdin stays an open pipe nobody writes to; the shell prints the terminal's path, then
      // waits.
      Process holder =
          new ProcessBuilder("script", "-qfc", "tty; exec sleep 120", "/dev/null")
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.strip().startsWith("/dev/pts/")) {
        holder.destroyForcibly();
        throw new IllegalStateException("script did not print a terminal path: " + line);
      }
      Path path = Path.of(line.strip());
      if (!Files.exists(path)) {
        holder.destroyForcibly();
        throw new IllegalStateException(path + " does not exist");
      }
      return new SilentCharacterDevice(holder, path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start script (util-linux) for a pseudo terminal", e);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws InterruptedException {
    holder.descendants().forEach(ProcessHandle::destroyForcibly);
    holder.destroyForcibly();
    holder.waitFor(5, TimeUnit.SECONDS);
  }
}
