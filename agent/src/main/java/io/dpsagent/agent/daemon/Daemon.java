package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ReprovisionPolicy;
import io.dpsagent.agent.flow.IdentityFingerprint;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.OutputLock;
import io.dpsagent.agent.output.OutputWriter;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code dps-agent run}: the long-running agent. It starts from its cached assignment when the
 * policy allows (no DPS call at boot), registers otherwise, retrying whatever may clear with time
 * (network, DPS, an absent TPM) with capped, jittered back-off, and then keeps a fresh hub SAS
 * token for the application. It stops on SIGTERM, reloads on SIGHUP, and registers again on
 * request.
 *
 * <p>About 300 lines: the session loop and what it decides (cached set or registration, rewrite,
 * ready, reload) read top to bottom here; the cached set ({@link CachedSet}), renewal ({@link
 * Renewal}), pacing, signals and the state file are their own classes.
 */
public final class Daemon {

  private static final Log LOG = Log.of(Daemon.class);

  /** Loads the configuration again, for SIGHUP. */
  @FunctionalInterface
  public interface ConfigSource {
    AgentConfig load() throws AgentException;
  }

  private final ConfigSource source;
  private final Clock clock;
  private final Signals signals;
  private final SystemdNotifier systemd;
  private final Pacing pacing;
  private final StateRecorder state;
  private final Serving serving;
  private final Renewal renewal;
  private final Optional<LeanRestart> restart;
  private AgentConfig config;
  private Optional<OutputLock> outputs = Optional.empty();

  /** What the JVM this one replaced handed over; taken by the first session. */
  private Optional<LeanRestart.Handover> handover;

  /** Started from a handover and no connection made since: nothing to gain from a restart. */
  private boolean lean;

  public Daemon(
      ConfigSource source,
      AgentConfig config,
      Clock clock,
      Signals signals,
      SystemdNotifier systemd,
      java.util.Map<String, String> environment) {
    this.source = source;
    this.config = config;
    this.clock = clock;
    this.signals = signals;
    this.systemd = systemd;
    this.pacing =
        new Pacing(
            clock,
            signals,
            new Watchdog(systemd, environment, System::nanoTime),
            new SecureRandom());
    this.state = new StateRecorder(clock, () -> this.config.output());
    this.serving = new Serving(clock, pacing, state);
    this.renewal = new Renewal(clock, pacing, signals, state);
    this.restart = LeanRestart.of(environment);
    this.handover = LeanRestart.Handover.in(environment);
    this.lean = handover.isPresent();
    handover
        .flatMap(LeanRestart.Handover::lastRejectionHandled)
        .ifPresent(serving::rejectionHandledAt);
    if (lean) {
      state.continueFromReplaced();
    }
  }

  /** Runs until stopped; returns normally when stopped, throws on a failure no wait can cure. */
  public void run() throws AgentException, InterruptedException {
    // A JVM that a handover started serves what the previous one just registered or verified.
    boolean register =
        handover.isEmpty()
            && config.provisioning().reprovision() == ReprovisionPolicy.ALWAYS_AT_START;
    try (OutputLock held = holdOutputs()) {
      outputs = Optional.of(held);
      while (true) {
        Signals.Wake wake = session(register);
        if (wake == Signals.Wake.STOP) {
          return;
        }
        register = wake == Signals.Wake.REPROVISION;
        if (wake == Signals.Wake.RELOAD) {
          reload();
        }
      }
    } catch (AgentException e) {
      state.failed(e, Optional.empty());
      throw e;
    } finally {
      systemd.stopping();
      state.phase("stopped");
    }
  }

  /**
   * One daemon per output directory, for its whole life; a second one is refused naming the first.
   */
  private OutputLock holdOutputs() throws AgentException {
    new OutputWriter(config.output()).prepare();
    return OutputLock.acquire(config.output().dir(), OutputLock.Holder.DAEMON);
  }

  /** Opens the device, gets an assignment and serves it until a signal asks for something else. */
  private Signals.Wake session(boolean register) throws AgentException, InterruptedException {
    Optional<DeviceAuthentication> opened = openDevice();
    if (opened.isEmpty()) {
      return Signals.Wake.STOP;
    }
    try (DeviceAuthentication device = opened.get()) {
      // Everything that can be checked locally is, before DPS hears of the device.
      new OutputWriter(config.output()).prepare(device.hubAuth());
      // With an issued certificate the application authenticates with it: no hub token to keep.
      boolean sas =
          "sas".equals(device.hubAuth().type())
              && config.provisioning().certificateIssuance().isEmpty();
      Optional<TokenFile> tokenFile =
          sas ? Optional.of(TokenFile.in(config.output(), true)) : Optional.empty();
      Requests requests = Requests.in(config.output());
      Optional<ConnectionInfo> assigned = assignment(device, register, tokenFile);
      if (assigned.isEmpty()) {
        return Signals.Wake.STOP;
      }
      ready(assigned.get());
      if (assigned.get().hubVerification().result() == HubVerification.Result.REJECTED) {
        serving.verificationRejected(assigned.get().hubVerification().detail().orElse(""));
      }
      return serve(device, assigned.get(), tokenFile, requests);
    }
  }

  /** Serves an assignment, renewing its issued certificate whenever that is due. */
  private Signals.Wake serve(
      DeviceAuthentication device,
      ConnectionInfo assigned,
      Optional<TokenFile> tokenFile,
      Requests requests)
      throws AgentException, InterruptedException {
    ConnectionInfo current = assigned;
    Optional<Instant> renewalAt = renewal.dueAt(config, current);
    state.renewal(renewalAt);
    renewalAt.ifPresent(t -> LOG.info("certificate renewal due at " + t));
    // A set the hub refused is about to be registered again: no new JVM for it.
    Optional<Instant> restartAt =
        assigned.hubVerification().result() == HubVerification.Result.REJECTED
            ? Optional.empty()
            : restartAt();
    while (true) {
      Signals.Wake wake =
          serving.serve(
              config.output(),
              device,
              current,
              tokenFile,
              requests,
              Serving.Due.earliest(
                  renewalAt.map(at -> new Serving.Due(at, Signals.Wake.RENEWAL_DUE)),
                  restartAt.map(at -> new Serving.Due(at, Signals.Wake.RESTART_DUE))));
      if (wake == Signals.Wake.RESTART_DUE) {
        restartLean(); // returns only when this JVM serves on
        restartAt = Optional.empty();
        continue;
      }
      if (wake != Signals.Wake.RENEWAL_DUE) {
        return wake;
      }
      lean = false;
      Optional<Renewal.Outcome> renewed = renewal.attempt(config, device, current);
      if (renewed.isEmpty()) {
        return Signals.Wake.STOP;
      }
      current = renewed.get().connection();
      renewalAt = Optional.of(renewed.get().nextAt());
      restartAt = restartAt();
      systemd.status(
          "serving "
              + current.deviceId()
              + " on "
              + current.hubHostName()
              + "; certificate renewal due at "
              + renewalAt.get());
    }
  }

  /**
   * When to serve on from a fresh JVM: once this one, which made connections, has served quietly
   * for a while, so that a burst of signals (two reloads in a row) is taken here and not in the
   * moment a new JVM starts, before it has its handlers.
   */
  private Optional<Instant> restartAt() {
    if (lean || restart.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(clock.instant().plus(restart.get().quiet()));
  }

  /**
   * Serves on from a JVM that never made a connection, when this one made some ({@link
   * LeanRestart}). Not while a request waits (this JVM takes it), nor when the configuration on
   * disk no longer loads: the new JVM reads it at its start, and would stop there.
   */
  private void restartLean() {
    // Due only from restartAt(): this JVM made connections and a restart was asked for.
    if (outputs.isEmpty()) {
      return;
    }
    try {
      source.load();
    } catch (AgentException e) {
      LOG.warning(
          "serving on in this JVM: the configuration no longer loads, and a fresh JVM would"
              + " stop on it: "
              + e.getMessage());
      return;
    }
    restart
        .orElseThrow()
        .replace(
            new LeanRestart.Handover(state.source(), serving.lastRejectionHandled()),
            outputs.get().file(),
            () -> !signals.anyPending());
  }

  /** The device's key material; an absent TPM or token is waited for, as a late driver would be. */
  private Optional<DeviceAuthentication> openDevice() throws AgentException, InterruptedException {
    Duration ceiling = Pacing.FIRST_RETRY;
    while (true) {
      try {
        return Optional.of(Attestations.loadHeld(config, clock.instant(), signals::isStopped));
      } catch (AgentException e) {
        if (!e.kind().mayClearWithTime()) {
          throw e;
        }
        Duration wait = pacing.jitter(ceiling);
        LOG.warning(e.getMessage() + "; trying again in " + wait.toSeconds() + " s");
        state.failed(e, Optional.of(clock.instant().plus(wait)));
        systemd.status(
            "waiting for the key store: " + e.getMessage() + "; next try at " + pacing.endOf(wait));
        if (pacing.waitFor(wait) == Signals.Wake.STOP) {
          return Optional.empty();
        }
        ceiling = Pacing.longer(ceiling);
      }
    }
  }

  /**
   * The assignment to serve: the cached one when the policy allows and it is this identity's, else
   * a fresh registration, falling back to the cache while DPS cannot be reached.
   */
  private Optional<ConnectionInfo> assignment(
      DeviceAuthentication device, boolean register, Optional<TokenFile> tokenFile)
      throws AgentException, InterruptedException {
    CachedSet cache = new CachedSet(config, clock);
    Optional<ConnectionInfo> cached = cache.read();
    String fingerprint = IdentityFingerprint.of(config.provisioning(), device);
    ReprovisionPolicy policy = config.provisioning().reprovision();
    Optional<ConnectionInfo> usable =
        cached.filter(c -> policy == ReprovisionPolicy.NEVER || cache.isOf(c, fingerprint));
    Optional<LeanRestart.Handover> handedOver = handover;
    handover = Optional.empty();
    if (handedOver.isPresent() && usable.isPresent()) {
      state.serving(handedOver.get().source());
      return usable;
    }
    lean = false;
    if (cached.isPresent() && usable.isEmpty()) {
      LOG.info(
          "the identity changed since the cached assignment (registration ID, key, certificate, endpoint or"
              + " scope); registering again");
    }
    if (usable.isPresent() && !register) {
      LOG.info("using the cached assignment of " + device.registrationId() + "; DPS not contacted");
      ConnectionInfo verified = cache.reverified(usable.get(), device);
      rewrite(verified);
      state.serving("cache");
      return Optional.of(verified);
    }
    if (usable.isEmpty() && tokenFile.isPresent()) {
      forget(tokenFile.get());
    }
    return provisionUntilDone(device, usable);
  }

  /**
   * A token of an earlier assignment must not outlive it: a crash after the new connection.json and
   * before the new token would leave the two naming different devices.
   */
  private static void forget(TokenFile tokenFile) throws AgentException {
    try {
      tokenFile.delete();
    } catch (IOException e) {
      throw AgentException.config(
          "cannot remove the stale " + tokenFile.path() + ": " + e.getMessage());
    }
  }

  /**
   * Rewrites the outputs from the cache, so that a rotated key reaches every file that carries it.
   */
  private void rewrite(ConnectionInfo info) throws AgentException {
    new OutputWriter(config.output()).writeOrFail(info);
  }

  private Optional<ConnectionInfo> provisionUntilDone(
      DeviceAuthentication device, Optional<ConnectionInfo> fallback)
      throws AgentException, InterruptedException {
    Duration ceiling = Pacing.FIRST_RETRY;
    while (true) {
      state.phase("provisioning");
      systemd.status("registering " + device.registrationId() + " with DPS");
      try {
        ProvisionFlow.Result result =
            new ProvisionFlow(
                    CachedSet.withFilesInUse(config, fallback), clock, pacing::sleepServingWatchdog)
                .runHoldingOutputs(device);
        state.succeeded();
        state.serving("dps");
        return Optional.of(result.connection());
      } catch (AgentException e) {
        if (signals.isStopped()) {
          return Optional.empty();
        }
        if (!e.kind().mayClearWithTime()) {
          throw e;
        }
        if (fallback.isPresent()) {
          LOG.warning(e.getMessage() + "; keeping the cached assignment");
          state.failed(e, Optional.empty());
          state.serving("cache");
          return fallback;
        }
        Duration wait = pacing.beforeNextRun(ceiling, e);
        LOG.warning(e.getMessage() + "; next provisioning attempt in " + wait.toSeconds() + " s");
        state.failed(e, Optional.of(clock.instant().plus(wait)));
        systemd.status(
            "waiting for DPS: " + e.getMessage() + "; next attempt at " + pacing.endOf(wait));
        Signals.Wake wake = pacing.waitFor(wait);
        if (wake == Signals.Wake.STOP) {
          return Optional.empty();
        }
        if (wake == Signals.Wake.RELOAD) {
          reload();
        }
        ceiling = Pacing.longer(ceiling);
      }
    }
  }

  private void ready(ConnectionInfo assigned) {
    String status =
        "provisioned "
            + assigned.deviceId()
            + " on "
            + assigned.hubHostName()
            + ("cache".equals(state.source()) ? " (cached assignment)" : "");
    systemd.ready(status); // the first one starts dependants; a later one ends a RELOADING=1
  }

  /** SIGHUP: the new configuration applies from the next session; a broken one is not taken. */
  private void reload() {
    systemd.reloading("reloading the configuration");
    try {
      AgentConfig fresh = source.load();
      config = fresh;
      LOG.info("configuration reloaded");
    } catch (AgentException e) {
      LOG.error(
          "configuration not reloaded: " + e.getMessage() + "; keeping the running configuration");
    }
  }
}
