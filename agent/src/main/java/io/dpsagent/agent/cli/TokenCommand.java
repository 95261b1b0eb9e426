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
import picocli.CommandLine.Command;
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
final class TokenCommand extends ConfiguredCommand {

  @Option(
      names = "--ttl",
      paramLabel = "SECONDS",
      description = "token lifetime, 60..86400 (default: ${DEFAULT-VALUE})")
  long ttlSeconds = 3600;

  @Override
  public Integer call() throws AgentException {
    if (ttlSeconds < 60 || ttlSeconds > 86_400) {
      throw AgentException.config("--ttl: " + ttlSeconds + " is out of range; use 60..86400");
    }
    AgentConfig loaded = loadConfig();
    ConnectionInfo connection =
        ConnectionInfo.read(loaded.output().dir().resolve(OutputWriter.CONNECTION_JSON));
    String resource = connection.hubHostName() + "/devices/" + connection.deviceId();
    Instant now = context.clock().instant();
    try (DeviceAuthentication device =
        Attestations.load(loaded, now, context.signals()::isStopped)) {
      context
          .out()
          .println(SasToken.build(resource, device.hubSigner(), now.plusSeconds(ttlSeconds), null));
      return succeeded();
    } catch (HsmException e) {
      throw AgentException.hsm("cannot sign the hub token: ", e);
    }
  }
}
