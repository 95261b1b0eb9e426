package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.agent.output.OutputDirectory;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;

/**
 * The hub SAS token the daemon keeps fresh for applications ({@code <token_dir>/hub-token}): owner
 * read-write, group read-only (mode 0640), so the application's group can use the token without
 * ever being able to read the key that signed it.
 */
final class TokenFile {

  static final String NAME = "hub-token";

  private final Path file;
  private final Optional<GroupPrincipal> group;

  private TokenFile(Path file, Optional<GroupPrincipal> group) {
    this.file = file;
    this.group = group;
  }

  /**
   * Prepares the directory (mode 0750) and resolves the group; a missing group is a config error.
   * {@code holdsToken} tells whether a token will be written there, which a directory anybody may
   * write must not receive.
   */
  static TokenFile in(OutputConfig output, boolean holdsToken) throws AgentException {
    Path dir = output.tokenDir();
    OutputDirectory.prepare(
        "output.token_dir",
        dir,
        PosixFilePermissions.fromString("rwxr-x---"),
        holdsToken ? Optional.of("the hub token (" + NAME + ")") : Optional.empty());
    try {
      return new TokenFile(dir.resolve(NAME), giveTokenGroup(output, dir));
    } catch (IOException e) {
      throw AgentException.config("cannot prepare output.token_dir " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Gives {@code dir} the group {@code output.token_group} names, when it names one; a group that
   * does not exist is a config error.
   */
  static Optional<GroupPrincipal> giveTokenGroup(OutputConfig output, Path dir)
      throws AgentException, IOException {
    if (output.tokenGroup().isEmpty()) {
      return Optional.empty();
    }
    try {
      GroupPrincipal group =
          dir.getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByGroupName(output.tokenGroup().get());
      Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
      return Optional.of(group);
    } catch (UserPrincipalNotFoundException e) {
      throw AgentException.config(
          "output.token_group: group '"
              + output.tokenGroup().get()
              + "' does not exist; create it or change the key");
    }
  }

  Path path() {
    return file;
  }

  /**
   * Removes the token of an earlier assignment, so that it never stands beside a new one's outputs.
   */
  void delete() throws IOException {
    AtomicFiles.delete(file);
  }

  /** Replaces the token atomically; readers see the old token or the new one, never a mix. */
  void write(String token) throws IOException {
    AtomicFiles.write(
        file,
        (token + "\n").getBytes(StandardCharsets.UTF_8),
        AtomicFiles.GROUP_READABLE,
        group.orElse(null));
  }
}
