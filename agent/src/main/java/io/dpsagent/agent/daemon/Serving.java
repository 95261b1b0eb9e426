package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Serving one assignment: keeps a hub token fresh (devices with a SAS key) and waits for what comes
 * next: a stop, a reload, a re-provisioning request, or the application's report that the hub
 * rejected it. One instance serves every session of the daemon, so that rejection reports are paced
 * across sessions.
 */
final class Serving {

  private static final Log LOG = Log.of(Serving.class);

  /** How often the application's hub-rejection report is looked for. */
  static final Duration REQUEST_POLL = Duration.ofSeconds(2);

  /** An application that keeps reporting rejection must not make the daemon hammer DPS. */
  static final Duration MIN_REJECTION_SPACING = Duration.ofSeconds(30);

  private final Clock clock;
  private final Pacing pacing;
  private final StateRecorder state;
  private Instant lastRejectionHandled = Instant.MIN;
  private Optional<String> verificationRejected = Optional.empty();

  Serving(Clock clock, Pacing pacing, StateRecorder state) {
    this.clock = clock;
    this.pacing = pacing;
    this.state = state;
  }

  /** When a hub rejection last made the daemon register; empty when none has. */
  Optional<Instant> lastRejectionHandled() {
    return lastRejectionHandled.equals(Instant.MIN)
        ? Optional.empty()
        : Optional.of(lastRejectionHandled);
  }

  /** Carries the spacing of rejections over from the JVM this one replaced. */
  void rejectionHandledAt(Instant at) {
    lastRejectionHandled = at;
  }

  /**
   * The agent's own verification found that the hub refuses the identity: taken as the
   * application's report would be, with the same spacing.
   */
  void verificationRejected(String detail) {
    verificationRejected = Optional.of(detail);
  }

  /** A deadline of the daemon's own while serving, and what {@link #serve} returns at it. */
  record Due(Instant at, Signals.Wake wake) {

    /** The earlier of two deadlines, either of which may be absent. */
    static Optional<Due> earliest(Optional<Due> one, Optional<Due> other) {
      if (one.isEmpty() || other.isEmpty()) {
        return one.isEmpty() ? other : one;
      }
      return other.get().at().isBefore(one.get().at()) ? other : one;
    }
  }

  /**
   * Serves until something other than a timeout wakes it, and says what; {@code due}'s wake once
   * its time is reached.
   */
  Signals.Wake serve(
      OutputConfig output,
      DeviceAuthentication device,
      ConnectionInfo connection,
      Optional<TokenFile> tokenFile,
      Requests requests,
      Optional<Due> due)
      throws AgentException, InterruptedException {
    Optional<SasSigner> signer =
        tokenFile.isPresent() ? Optional.of(device.hubSigner()) : Optional.empty();
    if (tokenFile.isEmpty()) {
      LOG.info("the device authenticates with its certificate; no hub token to keep");
    }
    Instant nextToken = clock.instant();
    while (true) {
      if (tokenFile.isPresent() && !clock.instant().isBefore(nextToken)) {
        Duration ttl = output.tokenTtl();
        writeToken(tokenFile.get(), signer.get(), connection, clock.instant().plus(ttl));
        nextToken = clock.instant().plus(ttl.multipliedBy(4).dividedBy(5));
      }
      Optional<Signals.Wake> asked = request(requests);
      if (asked.isPresent()) {
        return asked.get();
      }
      if (due.isPresent() && !clock.instant().isBefore(due.get().at())) {
        return due.get().wake();
      }
      Duration untilToken =
          tokenFile.isPresent() ? Duration.between(clock.instant(), nextToken) : Pacing.MAX_RETRY;
      Duration untilDue =
          due.map(d -> Duration.between(clock.instant(), d.at())).orElse(Pacing.MAX_RETRY);
      Signals.Wake wake =
          pacing.waitFor(Pacing.min(Pacing.min(untilToken, untilDue), REQUEST_POLL));
      if (wake != Signals.Wake.TIMEOUT) {
        return wake;
      }
    }
  }

  /** A re-provisioning request, or a hub rejection not too soon after the last one handled. */
  private Optional<Signals.Wake> request(Requests requests) {
    if (requests.takeReprovision()) {
      LOG.info("re-provisioning as requested");
      return Optional.of(Signals.Wake.REPROVISION);
    }
    Optional<String> verified = verificationRejected;
    verificationRejected = Optional.empty();
    if (verified.isPresent() || requests.takeHubRejected()) {
      String report =
          verified.orElse("the application reports that the hub rejected the device's identity");
      if (Duration.between(lastRejectionHandled, clock.instant()).compareTo(MIN_REJECTION_SPACING)
          >= 0) {
        lastRejectionHandled = clock.instant();
        LOG.warning(report + "; registering again");
        return Optional.of(Signals.Wake.REPROVISION);
      }
      LOG.info(
          "hub rejection reported again within "
              + MIN_REJECTION_SPACING.toSeconds()
              + " s; not registering"
              + " again yet");
    }
    return Optional.empty();
  }

  private void writeToken(
      TokenFile tokenFile, SasSigner signer, ConnectionInfo connection, Instant expiry)
      throws AgentException {
    String resource = connection.hubHostName() + "/devices/" + connection.deviceId();
    try {
      tokenFile.write(SasToken.build(resource, signer, expiry, null));
    } catch (HsmException e) {
      throw AgentException.hsm("cannot sign the hub token: ", e);
    } catch (IOException e) {
      throw AgentException.config("cannot write " + tokenFile.path() + ": " + e.getMessage());
    }
    state.token(expiry);
    LOG.info("wrote a hub token valid until " + expiry + " to " + tokenFile.path());
  }
}
