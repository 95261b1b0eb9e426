package io.dpsagent.agent.cli;

import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.OutputWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dps-agent provision}: attest, register, write outputs, exit. */
final class ProvisionCommand extends ConfiguredCommand {

  final ResultJsonOption json = new ResultJsonOption();

  final VerboseOption verbose = new VerboseOption();

  /**
   * Its picocli model, built by code ({@link Specs}): the factory step's start-up is the agent's
   * most measured path, and reading the annotations cost it about 30 ms (docs/benchmarks.md).
   */
  static CommandSpec spec(Main.Context context) {
    ProvisionCommand command = new ProvisionCommand();
    return Specs.configured(
        command,
        context,
        "provision",
        "Register with DPS once, write connection.json, and exit with the contract's code.",
        List.of(command.json.spec(), command.verbose.spec()));
  }

  /** The command its flags and {@code --config} configure, made without picocli. */
  static ProvisionCommand of(
      Main.Context context, boolean json, boolean verbose, Optional<Path> config) {
    ProvisionCommand command = new ProvisionCommand();
    command.configure(context, config);
    command.json.json = json;
    command.verbose.verbose = verbose;
    return command;
  }

  @Override
  public Integer call() throws Exception {
    verbose.configureLogging(context);
    ProvisionFlow.Result result =
        new ProvisionFlow(loadConfig(), context.clock(), context.sleeper())
            .run(context.signals()::isStopped);
    StringBuilder text =
        new StringBuilder("provisioned ")
            .append(result.connection().registrationId())
            .append(" as device ")
            .append(result.connection().deviceId())
            .append(" on ")
            .append(result.connection().hubHostName());
    HubVerification hub = result.connection().hubVerification();
    if (hub.result() != HubVerification.Result.NOT_VERIFIED) {
      text.append("\nhub ")
          .append(hub.result().configName())
          .append(": ")
          .append(hub.detail().orElse(""));
    }
    result.files().forEach(f -> text.append("\nwrote ").append(f));
    json.print(context, OutputWriter.toJson(result.connection(), result.files()), text.toString());
    return ExitCode.SUCCESS.code();
  }
}
