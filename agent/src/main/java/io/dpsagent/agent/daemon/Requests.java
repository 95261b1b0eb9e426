package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Requests to the running daemon, as files in {@code <token_dir>/requests/}: {@code reprovision}
 * (written by {@code dps-agent reprovision}) and {@code hub-rejected} (created by the application
 * when its hub refuses the identity, e.g. {@code touch /run/dps-agent/requests/hub-rejected}). The
 * directory is writable by the token group, so the application needs no signal permission.
 */
public final class Requests {

  public static final String DIRECTORY = "requests";
  public static final String REPROVISION = "reprovision";
  public static final String HUB_REJECTED = "hub-rejected";

  /**
   * How long after the directory last changed a look must begin for its modification time to stand
   * for its contents: a file made in the same tick as that look, after it, may leave the time as it
   * was (filesystems keep it to a tick or, on some, two seconds).
   */
  static final long SETTLED_MILLIS = 2_000;

  private final Path dir;
  // The directory's modification time at the last look that found no request, and when (wall
  // clock) that look began; null until there has been one.
  private FileTime emptyAt;
  private long emptyLookMillis;

  private Requests(Path dir) {
    this.dir = dir;
  }

  /** The requests of an existing directory (tests). */
  static Requests of(Path dir) {
    return new Requests(dir);
  }

  /** The request directory of these outputs, without creating it (for the CLI). */
  public static Path directory(OutputConfig output) {
    return output.tokenDir().resolve(DIRECTORY);
  }

  /** Prepares the directory (mode 0770, the token group's when set). */
  static Requests in(OutputConfig output) throws AgentException {
    Path dir = directory(output);
    try {
      AtomicFiles.createDirectory(output.tokenDir(), PosixFilePermissions.fromString("rwxr-x---"));
      AtomicFiles.createDirectory(dir, PosixFilePermissions.fromString("rwxrwx---"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
      TokenFile.giveTokenGroup(output, dir);
      return new Requests(dir);
    } catch (IOException e) {
      throw AgentException.config("cannot prepare " + dir + ": " + e.getMessage());
    }
  }

  boolean takeReprovision() {
    return take(REPROVISION);
  }

  boolean takeHubRejected() {
    return take(HUB_REJECTED);
  }

  /** True when the request file was there; it is removed so that one request acts once. */
  private boolean take(String name) {
    if (settledEmpty()) {
      return false;
    }
    try {
      return Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether nothing can have arrived since a look that found the directory empty: its modification
   * time is the same and that look began well after it. The daemon looks every two seconds for
   * months; one {@code stat} that succeeds costs a fraction of the two failed removals (each an
   * exception in the JDK) it saves, and most of the idle daemon's CPU was in them
   * (docs/benchmarks.md). Anything unusual (no directory, an unreadable one) means a full look.
   */
  private boolean settledEmpty() {
    long lookMillis = System.currentTimeMillis();
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(dir);
      if (modified.equals(emptyAt) && emptyLookMillis - modified.toMillis() >= SETTLED_MILLIS) {
        return true;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          return false;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
    emptyAt = modified;
    emptyLookMillis = lookMillis;
    return true;
  }
}
