package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.check.CheckReport;
import io.dpsagent.agent.check.Diagnostics;
import io.dpsagent.agent.check.ServiceUserCheck;
import io.dpsagent.agent.check.UserDatabase;
import io.dpsagent.agent.config.AgentConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code dps-agent check}: diagnostics, one line per check with its fix. The exit code is the
 * contract's code of the first failed check's kind (2 for a config or file problem, 3 for clock
 * skew, 5 for the network, 6 for the TPM or token), 0 when nothing failed; warnings never fail.
 */
final class CheckCommand extends ConfiguredCommand {

  boolean json;
  boolean offline;
  int timeoutSeconds = 5;
  String user;

  /** Its picocli model, built by code ({@link Specs}); {@link Main} hands in the context. */
  static CommandSpec spec(Main.Context context) {
    CheckCommand command = new CheckCommand();
    return Specs.configured(
        command,
        context,
        "check",
        "Check the config, clock, endpoint, TPM/HSM, files and service user; print a fix for"
            + " each problem.",
        List.of(
            Specs.flag(
                "--json",
                "print one JSON document {checks, errors, warnings}",
                () -> command.json,
                v -> command.json = v),
            Specs.flag(
                "--offline",
                "skip the network checks (DNS, TCP, TLS, clock)",
                () -> command.offline,
                v -> command.offline = v),
            Specs.bound(
                    OptionSpec.builder("--timeout")
                        .paramLabel("SECONDS")
                        .description(
                            "bound of each network check, 1..60 (default: ${DEFAULT-VALUE})"),
                    int.class,
                    () -> command.timeoutSeconds,
                    v -> command.timeoutSeconds = v)
                .build(),
            Specs.bound(
                    OptionSpec.builder("--user")
                        .paramLabel("NAME")
                        .description(
                            "the service's account, judged when run as root (default: dps-agent; else"
                                + " the current user)"),
                    String.class,
                    () -> command.user,
                    v -> command.user = v)
                .build()));
  }

  @Override
  public Integer call() throws AgentException, IOException {
    if (timeoutSeconds < 1 || timeoutSeconds > 60) {
      throw AgentException.config("--timeout: " + timeoutSeconds + " is out of range; use 1..60");
    }
    CheckReport report;
    try {
      report = run(loadConfig());
    } catch (AgentException e) {
      report = Diagnostics.configFailed(config.file, e);
    }
    context.out().print(json ? report.toJson() + "\n" : report.toText());
    context.out().flush();
    return report.failure().map(kind -> ExitCode.of(kind).code()).orElse(ExitCode.SUCCESS.code());
  }

  private CheckReport run(AgentConfig loaded) throws IOException {
    UserDatabase users = UserDatabase.system();
    Diagnostics.Options options =
        new Diagnostics.Options(
            context.clock(),
            offline,
            Duration.ofSeconds(timeoutSeconds),
            Optional.ofNullable(user));
    return Diagnostics.run(loaded, options, users, ServiceUserCheck.current(users));
  }
}
