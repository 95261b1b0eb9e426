package io.dpsagent.agent.cli;

import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.OutputWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dps-agent provision}: attest, register, write outputs, exit. */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description =
        "Register with DPS once, write connection.json, and exit with the contract's code.")
final class ProvisionCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = "--json",
      description = "print the result (or the error) as one JSON document on stdout")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "log each protocol step")
  boolean verbose;

  private final Main.Context context;

  ProvisionCommand(Main.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(context.err(), context.environment(), verbose);
    AgentConfig loaded = config.load(context.environment());
    ProvisionFlow.Result result =
        new ProvisionFlow(loaded, context.clock(), context.sleeper())
            .run(context.signals()::isStopped);
    if (json) {
      context.out().print(OutputWriter.toJson(result.connection(), result.files()));
    } else {
      context
          .out()
          .println(
              "provisioned "
                  + result.connection().registrationId()
                  + " as device "
                  + result.connection().deviceId()
                  + " on "
                  + result.connection().hubHostName());
      result.files().forEach(f -> context.out().println("wrote " + f));
    }
    context.out().flush();
    return ExitCode.SUCCESS.code();
  }
}
