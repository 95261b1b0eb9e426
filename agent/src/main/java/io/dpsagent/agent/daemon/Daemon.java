package io.dpsagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.dps.RegistrationClient;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * {@code dps-agent run}: the long-running agent. At start it trusts its cached result when that
 * result belongs to the configured identity (no DPS call at boot), provisions otherwise, retrying
 * transient failures forever with capped, jittered back-off, and then keeps a fresh hub SAS token
 * in the token file until it is told to stop.
 */
public final class Daemon {

  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Back-off between whole provisioning runs that ended in transient failure. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofHours(1);

  private final AgentConfig config;
  private final Clock clock;
  private final RegistrationClient.Sleeper sleeper;
  private final StopSignal stop;
  private final SystemdNotifier systemd;
  private final RandomGenerator random = new SecureRandom();

  public Daemon(AgentConfig config, Clock clock, RegistrationClient.Sleeper sleeper, StopSignal stop,
      SystemdNotifier systemd) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
    this.stop = stop;
    this.systemd = systemd;
  }

  /** Runs until stopped; returns normally when stopped, throws on a permanent failure. */
  public void run() throws AgentException, InterruptedException {
    TokenFile tokenFile = TokenFile.in(config.output());
    try (DeviceAuthentication device = Attestations.load(config, clock.instant())) {
      Optional<JsonNode> connection = cachedConnection(device);
      if (connection.isEmpty()) {
        forgetToken(tokenFile);
        connection = provisionUntilDone(device);
        if (connection.isEmpty()) {
          return; // stopped while waiting to retry
        }
      } else {
        LOG.info(() -> "using the cached assignment of " + device.registrationId() + "; DPS not contacted");
      }
      JsonNode assigned = connection.get();
      systemd.ready("provisioned " + assigned.path("deviceId").asText() + " on " + assigned.path("hubHostName").asText());
      keepTokenFresh(device, assigned, tokenFile);
      systemd.stopping();
    }
  }

  // A token left from an earlier assignment must not outlive it: a crash after the new
  // connection.json and before the new token would leave the two naming different devices.
  private static void forgetToken(TokenFile tokenFile) throws AgentException {
    try {
      tokenFile.delete();
    } catch (IOException e) {
      throw AgentException.config("cannot remove the stale " + tokenFile.path() + ": " + e.getMessage());
    }
  }

  /** The cached {@code connection.json}, if it was made for this identity, scope and method. */
  private Optional<JsonNode> cachedConnection(DeviceAuthentication device) {
    Path file = config.output().dir().resolve(OutputWriter.CONNECTION_JSON);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode cached = JSON.readTree(file.toFile());
      boolean same = device.registrationId().equals(cached.path("registrationId").asText())
          && config.provisioning().idScope().equals(cached.path("idScope").asText())
          && device.method().equals(cached.path("attestation").asText())
          && cached.path("hubHostName").isTextual() && cached.path("deviceId").isTextual();
      if (!same) {
        LOG.info("the cached assignment belongs to another identity or scope; provisioning again");
      }
      return same ? Optional.of(cached) : Optional.empty();
    } catch (IOException e) {
      LOG.warning(() -> "cannot read the cached " + file + " (" + e.getClass().getSimpleName() + "); provisioning again");
      return Optional.empty();
    }
  }

  private Optional<JsonNode> provisionUntilDone(DeviceAuthentication device)
      throws AgentException, InterruptedException {
    Duration ceiling = FIRST_RETRY;
    while (!stop.isStopped()) {
      try {
        ProvisionFlow.Result result = new ProvisionFlow(config, clock, sleeper).run(device);
        return Optional.of(JSON.readTree(OutputWriter.toJson(result.connection(), result.files())));
      } catch (AgentException e) {
        if (!e.kind().mayClearWithTime()) {
          throw e;
        }
        Duration wait = Duration.ofMillis(random.nextLong(ceiling.toMillis() / 2, ceiling.toMillis() + 1));
        LOG.warning(() -> e.getMessage() + "; next provisioning attempt in " + wait.toSeconds() + " s");
        systemd.status("waiting to retry DPS: " + e.getMessage());
        if (stop.awaitStop(wait)) {
          return Optional.empty();
        }
        ceiling = ceiling.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : ceiling.multipliedBy(2);
      } catch (IOException e) {
        throw AgentException.config("cannot render the provisioning result: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Writes a new hub token every 80% of its lifetime; devices without a SAS key just wait. */
  private void keepTokenFresh(DeviceAuthentication device, JsonNode connection, TokenFile tokenFile)
      throws AgentException, InterruptedException {
    if (!"sas".equals(connection.path("auth").path("type").asText())) {
      LOG.info("the device authenticates with its certificate; no hub token to keep");
      while (!stop.awaitStop(Duration.ofDays(1))) {
        // nothing to renew
      }
      return;
    }
    SasSigner signer = device.hubSigner();
    String resource = connection.path("hubHostName").asText() + "/devices/" + connection.path("deviceId").asText();
    Duration ttl = config.output().tokenTtl();
    do {
      Instant expiry = clock.instant().plus(ttl);
      try {
        tokenFile.write(SasToken.build(resource, signer, expiry, null));
      } catch (HsmException e) {
        throw AgentException.hsm("cannot sign the hub token: ", e);
      } catch (IOException e) {
        throw AgentException.config("cannot write " + tokenFile.path() + ": " + e.getMessage());
      }
      LOG.info(() -> "wrote a hub token valid until " + expiry + " to " + tokenFile.path());
    } while (!stop.awaitStop(ttl.multipliedBy(4).dividedBy(5)));
  }
}
