package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.hub.HubVerifier;
import io.dpsagent.agent.issuance.CertificateFiles;
import io.dpsagent.agent.issuance.CertificateSigningRequest;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.Keys;
import java.time.Clock;
import java.util.Optional;

/**
 * The output set an earlier run left, as the daemon serves it at boot without calling DPS: read,
 * matched against the device's identity, and its hub verified again with the credential the set
 * names (the attestation's, or an issued certificate and its key).
 */
final class CachedSet {

  private static final Log LOG = Log.of(CachedSet.class);

  private final AgentConfig config;
  private final Clock clock;

  CachedSet(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The cached {@code connection.json}; an unreadable one is no cache (the device registers). */
  Optional<ConnectionInfo> read() {
    try {
      return ConnectionInfo.readIfPresent(config.output().dir());
    } catch (AgentException e) {
      LOG.warning(e.getMessage() + "; registering again");
      return Optional.empty();
    }
  }

  /** Files from before fingerprints were recorded are matched on what identifies the device. */
  boolean isOf(ConnectionInfo cached, String fingerprint) {
    return cached
        .identityFingerprint()
        .map(fingerprint::equals)
        .orElseGet(() -> cached.idScope().equals(config.provisioning().idScope()));
  }

  /**
   * {@code cached} with its hub verified again, to be written back. A hub out of reach at boot says
   * nothing new about the identity: the set then keeps its initial config and last verification
   * rather than being rewritten on every boot.
   */
  ConnectionInfo reverified(ConnectionInfo cached, DeviceAuthentication device)
      throws AgentException {
    Optional<HubVerifier> verifier = HubVerifier.forCommand(config, true, clock);
    ConnectionInfo verified;
    if (config.provisioning().certificateIssuance().isPresent()
        && cached.certificate().isPresent()) {
      // An issued certificate keeps the key pair its set names, and the hub is verified with that
      // pair, as right after the issuance.
      CertificateIssuance inUse =
          withFilesInUse(config, Optional.of(cached)).provisioning().certificateIssuance().get();
      ConnectionInfo issuedSet =
          cached.withHubAuth(CertificateSigningRequest.hubAuth(inUse, config.output().dir()));
      verified = HubVerifier.verified(verifier, issuedSet, () -> issuedIdentity(inUse));
    } else {
      verified = HubVerifier.verified(verifier, cached.withHubAuth(device.hubAuth()), device);
    }
    HubVerification.Result result = verified.hubVerification().result();
    boolean learned =
        result == HubVerification.Result.REACHABLE || result == HubVerification.Result.REJECTED;
    return learned ? verified : verified.withHubVerification(cached.hubVerification());
  }

  /**
   * {@code config} for a registration while {@code cached} is in use: a rotated key (the alternate
   * location the set names) stays the certificate's key rather than the configured one.
   */
  static AgentConfig withFilesInUse(AgentConfig config, Optional<ConnectionInfo> cached) {
    Optional<CertificateIssuance> issuance = config.provisioning().certificateIssuance();
    if (issuance.isEmpty() || cached.isEmpty()) {
      return config;
    }
    return config.withCertificateIssuance(
        CertificateFiles.inUse(issuance.get(), config.output().dir(), cached.get())
            .applyTo(issuance.get()));
  }

  /** The issued chain on disk with the key it certifies, wherever that lives. */
  private TlsIdentity issuedIdentity(CertificateIssuance issuance) throws AgentException {
    try {
      return Keys.tlsIdentity(
          Optional.of(KeyUri.parse(issuance.chainFile(config.output().dir()).toUri().toString())),
          issuance.key(),
          Attestations.keyOptions(config));
    } catch (HsmException e) {
      throw AgentException.hsm("certificate_issuance.key " + issuance.key() + ": ", e);
    }
  }
}
