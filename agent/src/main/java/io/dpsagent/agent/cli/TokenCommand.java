package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dps-agent token}: a SAS token for the assigned IoT hub, signed where the key lives (TPM,
 * key file). The application gets a token, never the key.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Print an IoT Hub SAS token for the provisioned device, signed by the configured key.")
final class TokenCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = "--ttl",
      paramLabel = "SECONDS",
      description = "token lifetime, 60..86400 (default: ${DEFAULT-VALUE})")
  long ttlSeconds = 3600;

  private final Main.Context context;

  TokenCommand(Main.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws AgentException {
    if (ttlSeconds < 60 || ttlSeconds > 86_400) {
      throw AgentException.config("--ttl: " + ttlSeconds + " is out of range; use 60..86400");
    }
    AgentConfig loaded = config.load(context.environment());
    ConnectionInfo connection =
        ConnectionInfo.read(loaded.output().dir().resolve(OutputWriter.CONNECTION_JSON));
    String resource = connection.hubHostName() + "/devices/" + connection.deviceId();
    Instant now = context.clock().instant();
    try (DeviceAuthentication device =
        Attestations.load(loaded, now, context.signals()::isStopped)) {
      context
          .out()
          .println(SasToken.build(resource, device.hubSigner(), now.plusSeconds(ttlSeconds), null));
      context.out().flush();
      return ExitCode.SUCCESS.code();
    } catch (HsmException e) {
      throw AgentException.hsm("cannot sign the hub token: ", e);
    }
  }
}
