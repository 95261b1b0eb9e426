package io.dpsagent.common.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private swtpm process for tests: its own state directory and its own loopback ports (the TPM
 * port and, at the next port, the control port), stopped and deleted by {@link #close()}.
 *
 * <p>Only the process: nothing here speaks the TPM protocol, so modules that must not share the
 * device side's TPM code (the emulator's tests) can drive it with their own tools.
 *
 * <p>Start one per test class (about 20 ms; {@link #startProvisioned()} about 1 s more). swtpm
 * serves one data connection at a time and has no resource manager, so tests sharing one instance
 * must run one after another and close their connections.
 */
public final class SwtpmProcess implements AutoCloseable {

  private static final int START_ATTEMPTS = 5;
  private static final long PROCESS_TIMEOUT_SECONDS = 30;
  private static final int CONTROL_TIMEOUT_MS = 5_000;
  private static final byte CMD_SHUTDOWN = 3;

  private final Path directory;
  private final Path stateDir;
  private final int port;
  private final long pid;
  private boolean closed;

  private SwtpmProcess(Path directory, Path stateDir, int port, long pid) {
    this.directory = directory;
    this.stateDir = stateDir;
    this.port = port;
    this.pid = pid;
  }

  /** A factory-fresh TPM: no EK, no SRK, empty hierarchy passwords. */
  public static SwtpmProcess start() {
    Path directory = tempDirectory();
    return launch(directory, mkdirs(directory.resolve("state")));
  }

  /**
   * A TPM provisioned as a vendor would: {@code swtpm_setup --create-ek-cert} persists the RSA EK
   * at 0x81010001 and stores its certificate (issued by a CA made in the test directory, never the
   * machine-wide swtpm-localca) in NV index 0x01C00002.
   */
  public static SwtpmProcess startProvisioned() {
    Path directory = tempDirectory();
    Path state = mkdirs(directory.resolve("state"));
    Path ca = mkdirs(directory.resolve("ca"));
    write(
        directory.resolve("localca.conf"),
        "statedir = "
            + ca
            + "\nsigningkey = "
            + ca
            + "/signkey.pem\nissuercert = "
            + ca
            + "/issuercert.pem\ncertserial = "
            + ca
            + "/certserial\n");
    write(directory.resolve("localca.options"), "");
    write(
        directory.resolve("swtpm_setup.conf"),
        "create_certs_tool = /usr/bin/swtpm_localca\n"
            + "create_certs_tool_config = "
            + directory.resolve("localca.conf")
            + "\n"
            + "create_certs_tool_options = "
            + directory.resolve("localca.options")
            + "\n"
            + "active_pcr_banks = sha256\n");
    try {
      run(
          List.of(
              "swtpm_setup",
              "--tpm2",
              "--tpmstate",
              state.toString(),
              "--create-ek-cert",
              "--overwrite",
              "--config",
              directory.resolve("swtpm_setup.conf").toString()),
          directory);
    } catch (IOException e) {
      deleteTree(directory);
      throw new UncheckedIOException(e);
    }
    return launch(directory, state);
  }

  private static SwtpmProcess launch(Path directory, Path state) {
    IOException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port = freePortPair();
      Path pidFile = directory.resolve("swtpm.pid");
      try {
        run(
            List.of(
                "swtpm",
                "socket",
                "--tpm2",
                "--server",
                "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl",
                "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--tpmstate",
                "dir=" + state,
                "--flags",
                "not-need-init,startup-clear",
                "--pid",
                "file=" + pidFile,
                "--log",
                "file=" + directory.resolve("swtpm.log") + ",level=1",
                "--daemon"),
            directory);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return new SwtpmProcess(directory, state, port, pid);
      } catch (IOException e) {
        last = e; // most likely another process took the port between probe and bind: retry
      }
    }
    deleteTree(directory);
    throw new UncheckedIOException(
        "swtpm did not start after " + START_ATTEMPTS + " attempts", last);
  }

  /** The TPM (data) port on 127.0.0.1; the control port is the next one. */
  public int port() {
    return port;
  }

  public Path stateDirectory() {
    return stateDir;
  }

  /**
   * Asks swtpm to save its state and exit (control command CMD_SHUTDOWN), kills it if it does not,
   * and deletes its state.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    try {
      shutdown();
    } catch (IOException | RuntimeException e) {
      // already gone or wedged: the kill below is the fallback
    }
    process.ifPresent(
        p -> {
          try {
            p.onExit().get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            p.destroyForcibly();
          }
        });
    deleteTree(directory);
  }

  /**
   * CMD_SHUTDOWN on the control port: a 4-byte command code, answered by a 4-byte result. swtpm
   * reads a control message with a single recv(), so it goes out in one write.
   */
  private void shutdown() throws IOException {
    try (Socket control = new Socket()) {
      control.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1), CONTROL_TIMEOUT_MS);
      control.setSoTimeout(CONTROL_TIMEOUT_MS);
      control.getOutputStream().write(new byte[] {0, 0, 0, CMD_SHUTDOWN});
      control.getOutputStream().flush();
      new DataInputStream(control.getInputStream()).readInt();
    }
  }

  private static int freePortPair() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket()) {
        first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = first.getLocalPort();
        if (port >= 65535) {
          continue;
        }
        try (ServerSocket second = new ServerSocket()) {
          second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
          return port;
        } catch (IOException taken) {
          // the next port is in use: try another pair
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free pair of loopback ports");
  }

  private static void run(List<String> command, Path directory) throws IOException {
    try {
      Path output = directory.resolve("command.out");
      Process process =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            command.get(0) + " did not finish in " + PROCESS_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            command.get(0)
                + " exited with "
                + process.exitValue()
                + ": "
                + Files.readString(output, StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static Path tempDirectory() {
    try {
      return Files.createTempDirectory("swtpm-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      Directories.deleteTree(root);
    } catch (IOException ignored) {
      // best effort: a leftover temp directory is harmless
    }
  }

  @Override
  public String toString() {
    return "SwtpmProcess[127.0.0.1:" + port + "]";
  }
}
