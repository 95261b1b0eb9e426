package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.daemon.DaemonState;
import io.dpsagent.agent.daemon.Requests;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.OutputWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dps-agent reprovision}: asks the running daemon to register again and reports how that
 * ended; with no daemon running, registers now, as {@code provision} does.
 */
@Command(
    name = "reprovision",
    mixinStandardHelpOptions = true,
    description =
        "Ask the running daemon to register with DPS again (or do it now) and report the outcome.")
final class ReprovisionCommand extends ConfiguredCommand {

  private static final Duration POLL = Duration.ofMillis(100);

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "how long to wait for the daemon's outcome, 1..3600 (default: ${DEFAULT-VALUE})")
  long timeoutSeconds = 300;

  @Mixin ResultJsonOption json;

  @Override
  public Integer call() throws Exception {
    if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
      throw AgentException.config("--timeout: " + timeoutSeconds + " is out of range; use 1..3600");
    }
    Logging.configure(context.err(), context.environment(), false);
    AgentConfig loaded = loadConfig();
    Optional<DaemonState> daemon =
        DaemonState.read(loaded.output().dir()).filter(DaemonState::daemonRunning);
    if (daemon.isEmpty()) {
      ProvisionFlow.Result result =
          new ProvisionFlow(loaded, context.clock(), context.sleeper())
              .run(context.signals()::isStopped);
      json.print(
          context,
          OutputWriter.toJson(result.connection(), result.files()),
          "provisioned "
              + result.connection().deviceId()
              + " on "
              + result.connection().hubHostName()
              + " (no daemon running)");
      return ExitCode.SUCCESS.code();
    }
    Instant asked = context.clock().instant();
    request(Requests.directory(loaded.output()));
    DaemonState.Attempt outcome = awaitOutcome(loaded.output().dir(), asked, daemon.get().pid());
    if (!outcome.succeeded()) {
      throw new AgentException(
          AgentException.Kind.valueOf(outcome.kind().orElse("transient").toUpperCase(Locale.ROOT)),
          "the daemon (PID "
              + daemon.get().pid()
              + ") could not register again: "
              + outcome.message().orElse("")
              + "; it keeps the last good outputs");
    }
    json.print(
        context,
        Files.readString(loaded.output().dir().resolve(OutputWriter.CONNECTION_JSON)),
        "the daemon (PID " + daemon.get().pid() + ") registered again");
    return ExitCode.SUCCESS.code();
  }

  private static void request(Path dir) throws AgentException {
    try {
      Files.writeString(dir.resolve(Requests.REPROVISION), "");
    } catch (IOException e) {
      throw AgentException.config(
          "cannot ask the daemon in "
              + dir
              + ": "
              + e.getMessage()
              + "; run as root or as the daemon's user");
    }
  }

  private DaemonState.Attempt awaitOutcome(Path outputDir, Instant asked, long pid)
      throws AgentException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
    while (Instant.now().isBefore(deadline)) {
      Optional<DaemonState> state = DaemonState.read(outputDir);
      Optional<DaemonState.Attempt> attempt =
          state.flatMap(DaemonState::lastAttempt).filter(a -> !a.at().isBefore(asked));
      if (attempt.isPresent() && !"provisioning".equals(state.get().phase())) {
        return attempt.get();
      }
      if (state.isPresent() && !state.get().daemonRunning()) {
        throw new AgentException(
            AgentException.Kind.TRANSIENT,
            "the daemon (PID "
                + pid
                + ") stopped before it"
                + " registered again; see its log (journalctl -u dps-agent)");
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AgentException(
        AgentException.Kind.TRANSIENT,
        "the daemon (PID "
            + pid
            + ") did not finish registering"
            + " within "
            + timeoutSeconds
            + " s; dps-agent status shows its progress");
  }
}
