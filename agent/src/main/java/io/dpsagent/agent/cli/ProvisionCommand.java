package io.dpsagent.agent.cli;

import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.OutputWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dps-agent provision}: attest, register, write outputs, exit. */
final class ProvisionCommand extends ConfiguredCommand {

  private final ResultJsonOption json = new ResultJsonOption();

  private final VerboseOption verbose = new VerboseOption();

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
