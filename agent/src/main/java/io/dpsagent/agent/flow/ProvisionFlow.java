package io.dpsagent.agent.flow;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.ExitCode;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.AttestationConfig;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.dps.Backoff;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.dps.HttpsTransport;
import io.dpsagent.agent.dps.RegistrationClient;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.dps.RegistrationState;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.software.KeyFiles;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One-shot provisioning: load the key, register with DPS, write the outputs. Everything that can be
 * checked locally (config, key file) is checked before the first network call.
 */
public final class ProvisionFlow {

  private static final Logger LOG = Logger.getLogger(ProvisionFlow.class.getName());

  /** The outcome: what the application gets and where it was written. */
  public record Result(ConnectionInfo connection, List<Path> files) {}

  private final AgentConfig config;
  private final Clock clock;
  private final RegistrationClient.Sleeper sleeper;

  public ProvisionFlow(AgentConfig config, Clock clock, RegistrationClient.Sleeper sleeper) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public Result run() throws AgentException {
    ProvisioningConfig p = config.provisioning();
    AttestationConfig attestation = p.attestation();
    SoftwareSymmetricKey deviceKey = deviceKey(attestation);
    RegistrationRequest request = new RegistrationRequest(p.idScope(), attestation.registrationId(), p.payload());
    RegistrationState state;
    try (DpsTransport transport = new HttpsTransport(p.endpoint().httpsBase(), p.apiVersion(),
        TrustStores.clientContext(p.trustBundle()), p.retry().connectTimeout(), p.retry().requestTimeout())) {
      RegistrationClient client = new RegistrationClient(transport,
          now -> Optional.of(SasToken.forDpsRegistration(p.idScope(), attestation.registrationId(), deviceKey,
              now.plusSeconds(attestation.sasTtlSeconds()))),
          p.retry(), new Backoff(p.retry(), new SecureRandom()), clock, sleeper);
      state = client.register(request);
    }
    ConnectionInfo info = connectionInfo(state);
    LOG.info(() -> "assigned " + info.deviceId() + " to " + info.hubHostName());
    try {
      List<Path> files = new OutputWriter(config.output()).write(info, Optional.of(deviceKey.exportBase64()));
      return new Result(info, files);
    } catch (IOException e) {
      throw AgentException.config("cannot write outputs to " + config.output().dir() + ": " + e.getMessage()
          + "; check output.dir and its permissions");
    }
  }

  private SoftwareSymmetricKey deviceKey(AttestationConfig attestation) throws AgentException {
    Path file = attestation.key().path();
    try {
      SoftwareSymmetricKey key = KeyFiles.readSymmetricKey(file);
      return attestation.deriveFromGroupKey()
          ? SoftwareSymmetricKey.deriveFromGroupKey(key, attestation.registrationId())
          : key;
    } catch (HsmException e) {
      throw new AgentException(ExitCode.CONFIG, e.getMessage());
    }
  }

  private ConnectionInfo connectionInfo(RegistrationState state) {
    ProvisioningConfig p = config.provisioning();
    AttestationConfig attestation = p.attestation();
    return new ConnectionInfo(
        state.assignedHub().orElseThrow(),
        state.deviceId().orElseThrow(),
        attestation.registrationId(),
        p.idScope(),
        p.endpoint().httpsBase().toString(),
        "symmetric_key",
        "sas",
        attestation.deriveFromGroupKey() ? Optional.empty() : Optional.of(attestation.key().toString()),
        state.enrollmentGroupId(),
        state.substatus(),
        state.payload(),
        state.createdDateTimeUtc(),
        state.lastUpdatedDateTimeUtc(),
        state.etag(),
        clock.instant());
  }
}
