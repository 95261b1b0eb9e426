package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.issuance.CertificateFiles;
import io.dpsagent.agent.issuance.RenewalSchedule;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.common.AtomicFiles;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.keys.CertificateKeys;
import io.dpsagent.hsm.keys.KeyOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Renewal of the certificate DPS issued: once its share of the lifetime has passed, the daemon
 * registers again with a fresh CSR (for the same key, or with {@code rotate_key} for a new key in
 * the other {@link CertificateFiles} pair: a file, a token pair or a TPM handle) and the new set
 * replaces the old through the ordinary output writer, under the daemon's output lock. A failed
 * renewal leaves the set in use untouched and is tried again with the daemon's back-off.
 */
final class Renewal {

  private static final Log LOG = Log.of(Renewal.class);

  /** What serving goes on with: the set in use and when its certificate is renewed next. */
  record Outcome(ConnectionInfo connection, Instant nextAt) {}

  private final Clock clock;
  private final Pacing pacing;
  private final Signals signals;
  private final StateRecorder state;
  private Duration ceiling = Pacing.FIRST_RETRY;

  Renewal(Clock clock, Pacing pacing, Signals signals, StateRecorder state) {
    this.clock = clock;
    this.pacing = pacing;
    this.signals = signals;
    this.state = state;
  }

  /**
   * When the certificate of {@code serving} is due; empty without certificate issuance. A set
   * without a certificate (issuance enabled after it was written) is due at once.
   */
  Optional<Instant> dueAt(AgentConfig config, ConnectionInfo serving) {
    return config
        .provisioning()
        .certificateIssuance()
        .map(
            issuance ->
                serving
                    .certificate()
                    .map(c -> RenewalSchedule.dueAt(c, issuance.renewAtFraction()))
                    .orElseGet(clock::instant));
  }

  /** One renewal; empty when a stop request ended it. */
  Optional<Outcome> attempt(AgentConfig config, DeviceAuthentication device, ConnectionInfo serving)
      throws InterruptedException {
    CertificateIssuance issuance = config.provisioning().certificateIssuance().orElseThrow();
    Path dir = config.output().dir();
    CertificateFiles current = CertificateFiles.inUse(issuance, dir, serving);
    CertificateFiles target = CertificateFiles.forRenewal(issuance, dir, serving);
    boolean rotating = !target.samePlaces(current);
    LOG.info(
        "renewing the certificate "
            + serving.certificate().map(c -> "valid until " + c.notAfter()).orElse("(none yet)")
            + (rotating ? " with a new key, " + target.key() : " for the same key"));
    state.phase("renewing");
    KeyOptions keys = Attestations.keyOptions(config);
    try {
      if (rotating) {
        retireUnnamed(target, dir, keys); // what an interrupted renewal left: no set names it
      }
      ProvisionFlow.Result result =
          new ProvisionFlow(
                  config.withCertificateIssuance(target.applyTo(issuance)),
                  clock,
                  pacing::sleepServingWatchdog)
              .runHoldingOutputs(device);
      if (rotating) {
        retire(current, "the retired certificate key", keys);
      }
      return Optional.of(renewed(config, result.connection()));
    } catch (AgentException e) {
      if (signals.isStopped()) {
        return Optional.empty();
      }
      if (rotating) {
        retireUnnamed(target, dir, keys);
      }
      return Optional.of(failed(e, serving));
    }
  }

  private Outcome renewed(AgentConfig config, ConnectionInfo renewed) {
    ceiling = Pacing.FIRST_RETRY;
    Instant next = dueAt(config, renewed).orElseThrow();
    state.renewed(next);
    IssuedCertificate certificate = renewed.certificate().orElseThrow();
    LOG.info(
        "renewed the certificate: "
            + certificate.file()
            + " valid until "
            + certificate.notAfter()
            + " (sha256 "
            + certificate.sha256Fingerprint()
            + "); next renewal at "
            + next);
    return new Outcome(renewed, next);
  }

  private Outcome failed(AgentException e, ConnectionInfo serving) {
    Instant now = clock.instant();
    Duration wait = pacing.beforeNextRun(ceiling, e);
    ceiling = Pacing.longer(ceiling);
    Instant next =
        serving
            .certificate()
            .map(c -> RenewalSchedule.retryAt(now, wait, c))
            .orElse(now.plus(wait));
    String validity =
        serving
            .certificate()
            .map(c -> (c.notAfter().isAfter(now) ? "valid until " : "expired at ") + c.notAfter())
            .orElse("none");
    LOG.warning(
        "certificate renewal failed: "
            + e.getMessage()
            + "; keeping the current set (certificate "
            + validity
            + "); next attempt at "
            + next);
    state.renewalFailed(e, next);
    return new Outcome(serving, next);
  }

  /** Retires a pair unless the set on disk names it (a crash after the switch). */
  private static void retireUnnamed(CertificateFiles files, Path dir, KeyOptions keys) {
    Optional<ConnectionInfo> onDisk;
    try {
      onDisk = ConnectionInfo.readIfPresent(dir);
    } catch (AgentException e) {
      return; // an unreadable set: nothing is removed on a guess
    }
    if (onDisk.filter(files::namedBy).isEmpty()) {
      retire(files, "an unused certificate key", keys);
    }
  }

  /**
   * Destroys a pair's key where it lives (file, token pair, TPM key) and removes its chain file. A
   * failure is a warning: the set in use never names this pair, and the next rotation tries again.
   */
  private static void retire(CertificateFiles files, String what, KeyOptions keys) {
    try {
      if (CertificateKeys.destroy(files.key(), keys)) {
        LOG.info("removed " + what + " " + files.key());
      }
    } catch (HsmException e) {
      LOG.warning("cannot remove " + what + " " + files.key() + ": " + e.getMessage());
    }
    try {
      AtomicFiles.delete(files.chain());
    } catch (IOException e) {
      LOG.warning("cannot remove the chain " + files.chain() + ": " + e.getMessage());
    }
  }
}
