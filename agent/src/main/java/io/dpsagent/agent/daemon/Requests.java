package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

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

  private final Path dir;

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
    try {
      return Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      return false;
    }
  }
}
