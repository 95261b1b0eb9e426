package io.dpsagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code [output]} section: where the provisioning result is written for the application.
 *
 * @param dir directory of {@code connection.json} and its renderings
 * @param connectionString whether to also write an Azure connection string (software keys only)
 * @param groupReadable whether outputs are readable by the directory's group (mode 0640 not 0600)
 * @param tokenDir where the daemon keeps a fresh hub SAS token ({@code hub-token})
 * @param tokenGroup the group that may read the token file (mode 0640); the daemon's own when
 *     absent
 * @param tokenTtl lifetime of each hub token the daemon writes; it is renewed after 80% of it
 * @param envFile whether to also write {@code connection.env} for systemd's {@code
 *     EnvironmentFile=}
 * @param postProvisionHook a program to run after each new set of outputs
 */
public record OutputConfig(
    Path dir,
    boolean connectionString,
    boolean groupReadable,
    Path tokenDir,
    Optional<String> tokenGroup,
    Duration tokenTtl,
    boolean envFile,
    Optional<PostProvisionHook> postProvisionHook) {

  public static final Path DEFAULT_TOKEN_DIR = Path.of("/run/dps-agent");

  /** Outputs without the daemon's token settings (their defaults). */
  public OutputConfig(Path dir, boolean connectionString, boolean groupReadable) {
    this(
        dir,
        connectionString,
        groupReadable,
        DEFAULT_TOKEN_DIR,
        Optional.empty(),
        Duration.ofHours(1),
        false,
        Optional.empty());
  }
}
