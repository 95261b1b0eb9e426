package io.dpsagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dps-agent token}: a SAS token for the assigned IoT hub, signed where the key lives (TPM,
 * key file). The application gets a token, never the key.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print an IoT Hub SAS token for the provisioned device, signed by the configured key.")
final class TokenCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ConfigOption config;

  @Option(names = "--ttl", paramLabel = "SECONDS", description = "token lifetime, 60..86400 (default: ${DEFAULT-VALUE})")
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
    JsonNode connection = readConnection(loaded.output().dir().resolve(OutputWriter.CONNECTION_JSON));
    String resource = connection.path("hubHostName").asText() + "/devices/" + connection.path("deviceId").asText();
    Instant now = context.clock().instant();
    try (DeviceAuthentication device = Attestations.load(loaded, now, context.signals()::isStopped)) {
      context.out().println(SasToken.build(resource, device.hubSigner(), now.plusSeconds(ttlSeconds), null));
      context.out().flush();
      return ExitCode.SUCCESS.code();
    } catch (HsmException e) {
      throw AgentException.hsm("cannot sign the hub token: ", e);
    }
  }

  private static JsonNode readConnection(Path file) throws AgentException {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (!node.path("hubHostName").isTextual() || !node.path("deviceId").isTextual()) {
        throw AgentException.config(file + " lacks hubHostName or deviceId; run dps-agent provision again");
      }
      return node;
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw AgentException.config(file + " does not exist; run dps-agent provision first");
    } catch (IOException e) {
      throw AgentException.config("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
