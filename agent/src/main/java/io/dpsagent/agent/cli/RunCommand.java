package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.daemon.Daemon;
import io.dpsagent.agent.daemon.SystemdNotifier;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dps-agent run}: the daemon, for a systemd {@code Type=notify} unit. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run as the daemon: provision (or use the cached result) and keep the hub token fresh.",
      "Notifies systemd (Type=notify, watchdog), stops on SIGTERM, reloads on SIGHUP, and keeps a fresh",
      "hub SAS token in output.token_dir until stopped."
    })
final class RunCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = {"-v", "--verbose"},
      description = "log each protocol step")
  boolean verbose;

  private final Main.Context context;

  RunCommand(Main.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws AgentException, InterruptedException {
    Logging.configure(context.err(), context.environment(), verbose);
    SystemdNotifier systemd =
        new SystemdNotifier(Optional.ofNullable(context.environment().get("NOTIFY_SOCKET")));
    new Daemon(
            () -> config.load(context.environment()),
            config.load(context.environment()),
            context.clock(),
            context.signals(),
            systemd,
            context.environment())
        .run();
    return ExitCode.SUCCESS.code();
  }
}
