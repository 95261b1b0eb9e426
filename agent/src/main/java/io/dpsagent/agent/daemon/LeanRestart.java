package io.dpsagent.agent.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import io.dpsagent.agent.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Serving from a JVM that never made a connection. A JVM keeps what its TLS handshakes loaded for
 * good: the classes, their caches and the heap pages they touched, about 8 MiB of an idle daemon
 * that needs 46 (docs/benchmarks.md, "Daemon idle without TLS"). So once an assignment is in place
 * and nothing waits, the daemon replaces its JVM by a new one with {@code execve(2)}, which keeps
 * what systemd and the application see: the PID, the output lock and standard output and error.
 *
 * <p>The output lock is an {@code fcntl} lock, which belongs to the process and stays across the
 * exec as long as one descriptor of the file stays open: the lock file's descriptors are kept and
 * every other one is closed by the exec. The new JVM locks the file again, which a process that
 * already holds the lock always may. It is told, in {@link #HANDOVER}, what it serves, and serves
 * the set this JVM just wrote without contacting DPS or the hub.
 *
 * <p>The new JVM runs without the jar's class-data archive: it maps the JDK's only, which costs it
 * more CPU at its start but 3 MiB less memory for as long as it idles. Only the launcher turns this
 * on ({@link #SWITCH}), for {@code run} on Linux: a JVM started otherwise (a test's, one embedding
 * the agent) is never replaced.
 *
 * <p>A signal is taken by the JVM that has its handlers. One that reaches the old JVM in the last
 * moment before the exec is lost with it, and one that reaches the new JVM before its {@code main}
 * (a fraction of a second) has the JVM's default effect: the process ends. So the daemon restarts
 * only after it has served {@link #quiet()} without a request, and checks for one as the last thing
 * before the exec.
 */
final class LeanRestart {

  private static final Log LOG = Log.of(LeanRestart.class);

  /**
   * Set to {@code on} by the launcher for {@code run}: a restart after {@link #QUIET} of quiet
   * serving; a number of seconds (0 to 3600) sets that time; {@code off} (or unset) keeps the JVM.
   */
  static final String SWITCH = "DPS_AGENT_LEAN_RESTART";

  static final Duration QUIET = Duration.ofSeconds(30);
  private static final long MAX_QUIET_SECONDS = 3600;

  /** What the new JVM serves, set by the old one: {@code SOURCE[,LAST-REJECTION-HANDLED]}. */
  static final String HANDOVER = "DPS_AGENT_HANDOVER";

  private static final String ARCHIVE_FLAG = "-XX:SharedArchiveFile=";
  private static final Path SELF = Path.of("/proc/self");
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;

  /** The libc calls used (Linux). */
  interface LibC extends Library {
    int fcntl(int fd, int command, int argument) throws LastErrorException;

    int execve(String path, String[] argv, String[] envp) throws LastErrorException;
  }

  /**
   * What the old JVM hands the new one.
   *
   * @param source where the set came from ({@code dps} or {@code cache}), for {@code status}
   * @param lastRejectionHandled when a hub rejection last made the daemon register, so that the new
   *     JVM keeps the spacing between two such registrations
   */
  record Handover(String source, Optional<Instant> lastRejectionHandled) {

    String encode() {
      return source + lastRejectionHandled.map(at -> "," + at).orElse("");
    }

    /** The handover in {@code environment}; empty when there is none or it is not one. */
    static Optional<Handover> in(Map<String, String> environment) {
      String value = environment.get(HANDOVER);
      if (value == null || value.isEmpty()) {
        return Optional.empty();
      }
      String[] fields = value.split(",", -1);
      try {
        if (fields.length <= 2 && (fields[0].equals("dps") || fields[0].equals("cache"))) {
          return Optional.of(
              new Handover(
                  fields[0],
                  fields.length == 2 ? Optional.of(Instant.parse(fields[1])) : Optional.empty()));
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
      LOG.warning("ignoring " + HANDOVER + "=" + value + ": not a handover of this agent");
      return Optional.empty();
    }
  }

  private final Map<String, String> environment;
  private final Duration quiet;

  private LeanRestart(Map<String, String> environment, Duration quiet) {
    this.environment = environment;
    this.quiet = quiet;
  }

  /** The restart when the launcher asked for it and this is Linux; else none. */
  static Optional<LeanRestart> of(Map<String, String> environment) {
    Optional<Duration> quiet = quiet(environment.get(SWITCH));
    if (quiet.isEmpty() || !Files.isReadable(SELF.resolve("cmdline"))) {
      return Optional.empty();
    }
    return Optional.of(new LeanRestart(environment, quiet.get()));
  }

  private static Optional<Duration> quiet(String value) {
    if (value == null || value.equals("off")) {
      return Optional.empty();
    }
    if (value.equals("on")) {
      return Optional.of(QUIET);
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0 && seconds <= MAX_QUIET_SECONDS) {
        return Optional.of(Duration.ofSeconds(seconds));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warning(
        "ignoring "
            + SWITCH
            + "="
            + value
            + ": on, off or a number of seconds from 0 to "
            + MAX_QUIET_SECONDS);
    return Optional.empty();
  }

  /** How long the daemon serves without a request before it restarts. */
  Duration quiet() {
    return quiet;
  }

  /**
   * Replaces this JVM by a new one serving {@code handover}, keeping the descriptors of {@code
   * lockFile}, unless {@code stillQuiet} says otherwise at the last moment. Returns only when it
   * did not replace it, which is logged but for a request: the daemon then serves on in this JVM.
   */
  void replace(Handover handover, Path lockFile, BooleanSupplier stillQuiet) {
    try {
      Path java = Files.readSymbolicLink(SELF.resolve("exe"));
      if (!Files.isExecutable(java)) {
        // Replaced on disk (a JDK upgrade) since this JVM started: its libraries may not match.
        LOG.info("serving on in this JVM: its executable " + java + " is gone");
        return;
      }
      List<String> argv = argv(commandLine());
      String[] envp = envp(environment, handover);
      LibC libc = NativeLibc.load(LibC.class);
      keepOnly(libc, lockFile.toRealPath());
      if (!stillQuiet.getAsBoolean()) {
        return; // taken in this JVM; the descriptors marked above matter only to an exec
      }
      LOG.info(
          "serving from a fresh JVM, which never made a connection (same PID "
              + ProcessHandle.current().pid()
              + ")");
      System.out.flush();
      System.err.flush();
      libc.execve(java.toString(), argv.toArray(String[]::new), envp);
    } catch (IOException | LastErrorException | UnsatisfiedLinkError e) {
      LOG.warning("serving on in this JVM: cannot start a fresh one: " + e.getMessage());
    }
  }

  /** This process's arguments, as the kernel keeps them. */
  private static List<String> commandLine() throws IOException {
    String all = new String(Files.readAllBytes(SELF.resolve("cmdline")), StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of(all.split("\0")));
    if (args.isEmpty() || args.get(0).isEmpty()) {
      throw new IOException("/proc/self/cmdline is empty");
    }
    return args;
  }

  /** The same command without the jar's class-data archive (the JVM then maps the JDK's own). */
  static List<String> argv(List<String> commandLine) {
    return commandLine.stream().filter(arg -> !arg.startsWith(ARCHIVE_FLAG)).toList();
  }

  /** This environment with {@code handover} in {@link #HANDOVER}, as {@code NAME=value} lines. */
  static String[] envp(Map<String, String> environment, Handover handover) {
    List<String> envp = new ArrayList<>();
    environment.forEach(
        (name, value) -> {
          if (!name.equals(HANDOVER)) {
            envp.add(name + "=" + value);
          }
        });
    envp.add(HANDOVER + "=" + handover.encode());
    return envp.toArray(String[]::new);
  }

  /**
   * Marks every descriptor but standard input, output, error and those of {@code lockFile} to be
   * closed by the exec, and those of {@code lockFile} to be kept.
   */
  private static void keepOnly(LibC libc, Path lockFile) throws IOException {
    List<Integer> fds = new ArrayList<>();
    try (DirectoryStream<Path> open = Files.newDirectoryStream(SELF.resolve("fd"))) {
      for (Path fd : open) {
        fds.add(Integer.parseInt(fd.getFileName().toString()));
      }
    }
    boolean kept = false;
    for (int fd : fds) {
      if (fd <= 2) {
        continue;
      }
      boolean lock = isFile(fd, lockFile);
      kept |= lock;
      try {
        libc.fcntl(fd, F_SETFD, lock ? 0 : FD_CLOEXEC);
      } catch (LastErrorException e) {
        // closed since the listing (the listing's own descriptor is one): nothing to keep
      }
    }
    if (!kept) {
      throw new IOException("no open descriptor of " + lockFile + " to keep the lock with");
    }
  }

  private static boolean isFile(int fd, Path file) {
    try {
      return Files.readSymbolicLink(SELF.resolve("fd").resolve(Integer.toString(fd))).equals(file);
    } catch (IOException e) {
      return false;
    }
  }
}
