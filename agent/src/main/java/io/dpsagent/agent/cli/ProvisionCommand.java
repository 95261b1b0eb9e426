package io.dpsagent.agent.cli;

import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.OutputWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dps-agent provision}: attest, register, write outputs, exit. */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description =
        "Register with DPS once, write connection.json, and exit with the contract's code.")
final class ProvisionCommand extends ConfiguredCommand {

  @Mixin ResultJsonOption json;

  @Mixin VerboseOption verbose;

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
