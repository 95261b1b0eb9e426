package io.dpsagent.agent.daemon;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ReprovisionPolicy;
import io.dpsagent.agent.flow.IdentityFingerprint;
import io.dpsagent.agent.flow.ProvisionFlow;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.OutputLock;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code dps-agent run}: the long-running agent. It starts from its cached assignment when the
 * policy allows (no DPS call at boot), registers otherwise, retrying whatever may clear with time
 * (network, DPS, an absent TPM) with capped, jittered back-off, and then keeps a fresh hub SAS
 * token for the application. It stops on SIGTERM, reloads on SIGHUP, and registers again on
 * request.
 */
public final class Daemon {

  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

  /** How often the application's hub-rejection report is looked for. */
  static final Duration REQUEST_POLL = Duration.ofSeconds(2);

  /** An application that keeps reporting rejection must not make the daemon hammer DPS. */
  static final Duration MIN_REJECTION_SPACING = Duration.ofSeconds(30);

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
  private AgentConfig config;
  private DaemonState state;
  private Instant lastRejectionHandled = Instant.MIN;

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
        new Pacing(clock, signals, new Watchdog(systemd, environment, clock), new SecureRandom());
    Instant now = clock.instant();
    this.state =
        new DaemonState(
            ProcessHandle.current().pid(),
            now,
            "starting",
            "none",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now);
  }

  /** Runs until stopped; returns normally when stopped, throws on a failure no wait can cure. */
  public void run() throws AgentException, InterruptedException {
    boolean register = config.provisioning().reprovision() == ReprovisionPolicy.ALWAYS_AT_START;
    try (OutputLock outputs = holdOutputs()) {
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
      record(
          new DaemonState.Attempt(
              clock.instant(), false, Optional.of(kindName(e)), Optional.of(e.getMessage())),
          Optional.empty());
      throw e;
    } finally {
      systemd.stopping();
      update(state.phase("stopped", clock.instant()));
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
      boolean sas = "sas".equals(device.hubAuth().type());
      Optional<TokenFile> tokenFile =
          sas ? Optional.of(TokenFile.in(config.output(), true)) : Optional.empty();
      Requests requests = Requests.in(config.output());
      Optional<ConnectionInfo> assigned = assignment(device, register, tokenFile);
      if (assigned.isEmpty()) {
        return Signals.Wake.STOP;
      }
      ready(assigned.get());
      return serve(device, assigned.get(), tokenFile, requests);
    }
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
        LOG.warning(() -> e.getMessage() + "; trying again in " + wait.toSeconds() + " s");
        record(failure(e), Optional.of(clock.instant().plus(wait)));
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
    Optional<ConnectionInfo> cached = cached();
    String fingerprint = IdentityFingerprint.of(config.provisioning(), device);
    ReprovisionPolicy policy = config.provisioning().reprovision();
    Optional<ConnectionInfo> usable =
        cached.filter(c -> policy == ReprovisionPolicy.NEVER || sameIdentity(c, fingerprint));
    if (cached.isPresent() && usable.isEmpty()) {
      LOG.info(
          "the identity changed since the cached assignment (registration ID, key, certificate, endpoint or"
              + " scope); registering again");
    }
    if (usable.isPresent() && !register) {
      LOG.info(
          () ->
              "using the cached assignment of " + device.registrationId() + "; DPS not contacted");
      rewrite(usable.get().withHubAuth(device.hubAuth()));
      update(state.serving("cache", clock.instant()));
      return usable;
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

  private Optional<ConnectionInfo> cached() {
    try {
      return ConnectionInfo.readIfPresent(config.output().dir());
    } catch (AgentException e) {
      LOG.warning(() -> e.getMessage() + "; registering again");
      return Optional.empty();
    }
  }

  /** Files from before fingerprints were recorded are matched on what identifies the device. */
  private boolean sameIdentity(ConnectionInfo cached, String fingerprint) {
    return cached
        .identityFingerprint()
        .map(fingerprint::equals)
        .orElseGet(() -> cached.idScope().equals(config.provisioning().idScope()));
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
      update(state.phase("provisioning", clock.instant()));
      systemd.status("registering " + device.registrationId() + " with DPS");
      try {
        ProvisionFlow.Result result =
            new ProvisionFlow(config, clock, pacing::sleepServingWatchdog)
                .runHoldingOutputs(device);
        record(
            new DaemonState.Attempt(clock.instant(), true, Optional.empty(), Optional.empty()),
            Optional.empty());
        update(state.serving("dps", clock.instant()));
        return Optional.of(result.connection());
      } catch (AgentException e) {
        if (signals.isStopped()) {
          return Optional.empty();
        }
        if (!e.kind().mayClearWithTime()) {
          throw e;
        }
        if (fallback.isPresent()) {
          LOG.warning(() -> e.getMessage() + "; keeping the cached assignment");
          record(failure(e), Optional.empty());
          update(state.serving("cache", clock.instant()));
          return fallback;
        }
        Duration wait = pacing.beforeNextRun(ceiling, e);
        LOG.warning(
            () -> e.getMessage() + "; next provisioning attempt in " + wait.toSeconds() + " s");
        record(failure(e), Optional.of(clock.instant().plus(wait)));
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

  /**
   * Keeps a hub token fresh (devices with a SAS key) and waits for what comes next: a stop, a
   * reload, a re-provisioning request, or the application's report that the hub rejected it.
   */
  private Signals.Wake serve(
      DeviceAuthentication device,
      ConnectionInfo connection,
      Optional<TokenFile> tokenFile,
      Requests requests)
      throws AgentException, InterruptedException {
    Optional<SasSigner> signer =
        tokenFile.isPresent() ? Optional.of(device.hubSigner()) : Optional.empty();
    if (tokenFile.isEmpty()) {
      LOG.info("the device authenticates with its certificate; no hub token to keep");
    }
    Instant nextToken = clock.instant();
    while (true) {
      if (tokenFile.isPresent() && !clock.instant().isBefore(nextToken)) {
        Duration ttl = config.output().tokenTtl();
        writeToken(tokenFile.get(), signer.get(), connection, clock.instant().plus(ttl));
        nextToken = clock.instant().plus(ttl.multipliedBy(4).dividedBy(5));
      }
      if (requests.takeReprovision()) {
        LOG.info("re-provisioning as requested");
        return Signals.Wake.REPROVISION;
      }
      if (requests.takeHubRejected()) {
        if (Duration.between(lastRejectionHandled, clock.instant()).compareTo(MIN_REJECTION_SPACING)
            >= 0) {
          lastRejectionHandled = clock.instant();
          LOG.warning(
              "the application reports that the hub rejected the device's identity; registering again");
          return Signals.Wake.REPROVISION;
        }
        LOG.info(
            "hub rejection reported again within "
                + MIN_REJECTION_SPACING.toSeconds()
                + " s; not registering"
                + " again yet");
      }
      Duration untilToken =
          tokenFile.isPresent() ? Duration.between(clock.instant(), nextToken) : Pacing.MAX_RETRY;
      Signals.Wake wake = pacing.waitFor(Pacing.min(untilToken, REQUEST_POLL));
      if (wake != Signals.Wake.TIMEOUT) {
        return wake;
      }
    }
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
    update(state.token(expiry, clock.instant()));
    LOG.info(() -> "wrote a hub token valid until " + expiry + " to " + tokenFile.path());
  }

  /** SIGHUP: the new configuration applies from the next session; a broken one is not taken. */
  private void reload() {
    systemd.reloading("reloading the configuration");
    try {
      AgentConfig fresh = source.load();
      config = fresh;
      LOG.info("configuration reloaded");
    } catch (AgentException e) {
      LOG.severe(
          () ->
              "configuration not reloaded: "
                  + e.getMessage()
                  + "; keeping the running configuration");
    }
  }

  private void record(DaemonState.Attempt attempt, Optional<Instant> next) {
    update(state.attempted(attempt, next, clock.instant()));
  }

  private void update(DaemonState next) {
    state = next;
    try {
      OutputWriter.prepareDirectory(config.output());
      state.write(config.output().dir());
    } catch (IOException e) {
      LOG.fine(
          () ->
              "cannot write "
                  + DaemonState.FILE
                  + ": "
                  + e.getMessage()); // status shows less; no harm
    }
  }

  private DaemonState.Attempt failure(AgentException e) {
    return new DaemonState.Attempt(
        clock.instant(), false, Optional.of(kindName(e)), Optional.of(e.getMessage()));
  }

  private static String kindName(AgentException e) {
    return e.kind().name().toLowerCase(Locale.ROOT);
  }
}
