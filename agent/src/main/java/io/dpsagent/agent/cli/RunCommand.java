package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.daemon.Daemon;
import io.dpsagent.agent.daemon.SystemdNotifier;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dps-agent run}: the daemon, for a systemd {@code Type=notify} unit. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run as the daemon: provision (or use the cached result) and keep the hub token fresh.",
      "Notifies systemd (Type=notify, watchdog), stops on SIGTERM, reloads on SIGHUP, and keeps a fresh",
      "hub SAS token in output.token_dir until stopped."
    })
final class RunCommand extends ConfiguredCommand {

  @Mixin VerboseOption verbose;

  @Override
  public Integer call() throws AgentException, InterruptedException {
    verbose.configureLogging(context);
    SystemdNotifier systemd =
        new SystemdNotifier(Optional.ofNullable(context.environment().get("NOTIFY_SOCKET")));
    new Daemon(
            this::loadConfig,
            loadConfig(),
            context.clock(),
            context.signals(),
            systemd,
            context.environment())
        .run();
    return ExitCode.SUCCESS.code();
  }
}
