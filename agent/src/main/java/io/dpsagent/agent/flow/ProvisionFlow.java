package io.dpsagent.agent.flow;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.dps.Backoff;
import io.dpsagent.agent.dps.DeviceRegistrationResult;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.dps.RegistrationClient;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.hub.HubVerifier;
import io.dpsagent.agent.issuance.CertificateSigningRequest;
import io.dpsagent.agent.issuance.IssuedChain;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HookRunner;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.agent.output.OutputLock;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.common.AtomicFiles;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.Keys;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * One-shot provisioning: load the identity, register with DPS, write the outputs. Everything that
 * can be checked locally (config, key files, certificate dates) is checked before the first network
 * call.
 */
public final class ProvisionFlow {

  private static final Log LOG = Log.of(ProvisionFlow.class);

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

  /** Loads the identity, provisions and closes the identity; a stop request ends TPM waits. */
  public Result run(BooleanSupplier stopRequested) throws AgentException {
    try (DeviceAuthentication device = Attestations.load(config, clock.instant(), stopRequested)) {
      return run(device);
    }
  }

  /**
   * Provisions with an identity the caller holds open. The output directory is checked and claimed
   * before DPS is contacted (a daemon holding it refuses this run at once), and locked again while
   * the output set is written.
   */
  public Result run(DeviceAuthentication device) throws AgentException {
    OutputWriter writer = new OutputWriter(config.output());
    writer.prepare(device.hubAuth());
    OutputLock.acquire(config.output().dir(), OutputLock.Holder.PROVISION).close();
    Registered registered = verified(register(device), device, false);
    // A failed run leaves the outputs as they were, whatever DPS did: the set would not work.
    HubVerification verification = registered.info().hubVerification();
    if (verification.result() == HubVerification.Result.REJECTED) {
      throw new AgentException(
          AgentException.Kind.ATTESTATION_REJECTED, verification.detail().orElseThrow());
    }
    Result result;
    try (OutputLock lock = OutputLock.acquire(config.output().dir(), OutputLock.Holder.PROVISION)) {
      result = write(writer, registered);
    }
    return announce(result);
  }

  /**
   * As {@link #run(DeviceAuthentication)} for the daemon, which prepared and holds the output
   * directory, verifies the hub unless configured not to, and acts on a rejection itself.
   */
  public Result runHoldingOutputs(DeviceAuthentication device) throws AgentException {
    return announce(
        write(new OutputWriter(config.output()), verified(register(device), device, true)));
  }

  /**
   * The assignment with its hub verified ({@code [hub] verify}): with the attestation's credential,
   * or, when DPS issued a certificate at this registration, with that chain and its key.
   */
  private Registered verified(Registered registered, DeviceAuthentication device, boolean daemon)
      throws AgentException {
    Optional<HubVerifier> hub = HubVerifier.forCommand(config, daemon, clock);
    ConnectionInfo info =
        registered.chain().isPresent()
            ? HubVerifier.verified(hub, registered.info(), () -> issued(registered.chain().get()))
            : HubVerifier.verified(hub, registered.info(), device);
    return new Registered(info, registered.chain());
  }

  /** The issued chain, not written yet, with the key it certifies, wherever that lives. */
  private TlsIdentity issued(IssuedChain chain) throws AgentException {
    KeyUri key = config.provisioning().certificateIssuance().orElseThrow().key();
    try {
      return Keys.tlsIdentity(
          chain.certificates(), "the certificate DPS issued", key, Attestations.keyOptions(config));
    } catch (HsmException e) {
      throw AgentException.hsm("certificate_issuance.key " + key + ": ", e);
    }
  }

  /** An assignment and, with certificate issuance, the chain DPS issued (not yet written). */
  private record Registered(ConnectionInfo info, Optional<IssuedChain> chain) {}

  private Registered register(DeviceAuthentication device) throws AgentException {
    ProvisioningConfig p = config.provisioning();
    Optional<CertificateSigningRequest> csr = Optional.empty();
    if (p.certificateIssuance().isPresent()) {
      csr =
          Optional.of(
              CertificateSigningRequest.create(
                  p.certificateIssuance().get(),
                  device.registrationId(),
                  Attestations.keyOptions(config)));
    }
    RegistrationRequest request =
        new RegistrationRequest(
            p.idScope(),
            device.registrationId(),
            p.payload(),
            device.tpmKeys(),
            csr.map(CertificateSigningRequest::base64Der));
    SSLContext tls = TrustStores.clientContext(p.trustBundle(), device.tlsIdentity());
    try (DpsTransport transport = Transports.open(p, device.registrationId(), tls)) {
      RegistrationClient client =
          new RegistrationClient(
              transport,
              device.dpsCredentials(),
              new Backoff(p.retry(), new SecureRandom()),
              clock,
              sleeper);
      DeviceRegistrationResult state = client.register(request);
      Optional<IssuedChain> chain = Optional.empty();
      if (csr.isPresent()) {
        chain =
            Optional.of(
                IssuedChain.read(state.issuedCertificateChain(), csr.get(), p.apiVersion()));
      }
      ConnectionInfo info = connectionInfo(device, state, transport.describe());
      LOG.info("assigned " + info.deviceId() + " to " + info.hubHostName());
      return new Registered(info, chain);
    }
  }

  // The chain goes first: connection.json, written last, then names a chain that is in place.
  private Result write(OutputWriter writer, Registered registered) throws AgentException {
    ConnectionInfo info = registered.info();
    if (registered.chain().isPresent()) {
      Path file = config.provisioning().certificateIssuance().orElseThrow().chainFile(dir());
      IssuedCertificate issued =
          registered
              .chain()
              .get()
              .write(
                  file,
                  config.output().groupReadable()
                      ? AtomicFiles.GROUP_READABLE
                      : AtomicFiles.OWNER_ONLY);
      info = info.withCertificate(issued);
    }
    return new Result(info, writer.writeOrFail(info));
  }

  private Path dir() {
    return config.output().dir();
  }

  /**
   * The post-provision hook, run after the new set is complete and the directory released, unless
   * the hub refused the new identity (the application could not use the set).
   */
  private Result announce(Result result) {
    boolean rejected =
        result.connection().hubVerification().result() == HubVerification.Result.REJECTED;
    if (config.output().postProvisionHook().isPresent() && !rejected) {
      try {
        HookRunner.run(
            config.output().postProvisionHook().get(), result.connection(), config.output().dir());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return result;
  }

  private ConnectionInfo connectionInfo(
      DeviceAuthentication device, DeviceRegistrationResult state, String endpoint)
      throws AgentException {
    ProvisioningConfig p = config.provisioning();
    return new ConnectionInfo(
        state.assignedHub().orElseThrow(),
        state.deviceId().orElseThrow(),
        device.registrationId(),
        p.idScope(),
        endpoint,
        device.method(),
        hubAuth(device),
        state.enrollmentGroupId(),
        state.substatus(),
        state.payload(),
        state.createdDateTimeUtc(),
        state.lastUpdatedDateTimeUtc(),
        state.etag(),
        clock.instant(),
        Optional.of(IdentityFingerprint.of(p, device)),
        // The hub is verified, and the issued certificate added, once the set is written.
        HubVerification.NOT_VERIFIED,
        Optional.empty());
  }

  private HubAuth hubAuth(DeviceAuthentication device) {
    return config
        .provisioning()
        .certificateIssuance()
        .map(issuance -> CertificateSigningRequest.hubAuth(issuance, dir()))
        .orElseGet(device::hubAuth);
  }
}
