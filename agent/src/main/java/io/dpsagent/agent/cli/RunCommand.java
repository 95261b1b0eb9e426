package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.ConfigLoader;
import io.dpsagent.agent.daemon.Daemon;
import io.dpsagent.agent.daemon.SystemdNotifier;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dps-agent run}: the daemon, for a systemd {@code Type=notify} unit. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Provision if needed (or use the cached result), notify systemd, and keep a fresh",
        "hub SAS token in output.token_dir until stopped."})
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "config file (default: ${DEFAULT-VALUE})")
  Path config = ConfigLoader.DEFAULT_PATH;

  @Option(names = {"-v", "--verbose"}, description = "log each protocol step")
  boolean verbose;

  private final Main.Context context;

  RunCommand(Main.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws AgentException, InterruptedException {
    Logging.configure(context.err(), verbose);
    SystemdNotifier systemd = new SystemdNotifier(Optional.ofNullable(context.environment().get("NOTIFY_SOCKET")));
    return new Daemon(new ConfigLoader(context.environment()).load(config), context.clock(), context.sleeper(),
        context.stop(), systemd).run();
  }
}
