package io.dpsagent.agent.dps;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.RetryConfig;
import io.dpsagent.agent.log.Log;
import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The registration state machine of DPS, independent of transport: register, poll while DPS is
 * assigning (waiting as long as it asks), and end in exactly one terminal outcome.
 *
 * <p>Transient trouble (no answer, 429, 5xx) is retried within the bounds of {@link RetryConfig};
 * anything DPS states with authority (401/403, 4xx, {@code failed}, {@code disabled}) ends the run
 * at once with the contract's exit code.
 *
 * <p>Its length is that of the one state machine: every answer DPS can give (assigning, a terminal
 * state, a challenge, each error status) is decided against the same run state (operation, failure
 * count, challenges, budget), and keeping the decisions side by side is what makes them checkable
 * against the protocol. Reading the answers ({@link DpsMessages}), validating them ({@link
 * DpsValues}) and the waits ({@link Backoff}) live elsewhere.
 */
public final class RegistrationClient {

  private static final Log LOG = Log.of(RegistrationClient.class);

  /** A server that keeps challenging is not believed forever. */
  static final int MAX_CHALLENGES = 3;

  /** Beyond this difference between the device and DPS clocks, a 401 is blamed on the clock. */
  static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofMinutes(5);

  private static final String STILL_ASSIGNING =
      "DPS was still assigning when the time budget ran out";

  /** Waits; tests substitute a clock-driven sleeper. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final DpsTransport transport;
  private final DpsCredentials credentials;
  private final RetryConfig retry;
  private final Backoff backoff;
  private final Clock clock;
  private final Sleeper sleeper;

  public RegistrationClient(
      DpsTransport transport,
      DpsCredentials credentials,
      Backoff backoff,
      Clock clock,
      Sleeper sleeper) {
    this.transport = transport;
    this.credentials = credentials;
    this.retry = backoff.retry();
    this.backoff = backoff;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Runs the registration to its end and returns the assigned state. */
  public DeviceRegistrationResult register(RegistrationRequest request) throws AgentException {
    Run run = new Run(request, clock.instant().plus(retry.maxElapsed()));
    try {
      return run.toCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.TRANSIENT, "registration interrupted");
    }
  }

  /** One provisioning run: its deadline, its failure count and where it stands. */
  private final class Run {
    private final RegistrationRequest request;
    private final Instant deadline;
    private Optional<Operation> operation = Optional.empty();
    private int consecutiveFailures;
    private int challenges;
    private String lastFailure = "";

    Run(RegistrationRequest request, Instant deadline) {
      this.request = request;
      this.deadline = deadline;
    }

    DeviceRegistrationResult toCompletion() throws AgentException, InterruptedException {
      while (true) {
        DpsResponse response;
        try {
          response = send();
        } catch (IOException e) {
          AgentException failure = transport.failure(e);
          if (!failure.kind().mayClearWithTime()) {
            throw failure;
          }
          failedTransiently(failure.getMessage(), Optional.empty());
          continue;
        }
        if (response.isSuccess()) {
          Optional<DeviceRegistrationResult> done = progress(response);
          if (done.isPresent()) {
            return done.get();
          }
        } else {
          rejected(response);
        }
      }
    }

    private DpsResponse send() throws IOException, AgentException {
      Optional<String> authorization;
      try {
        authorization = credentials.authorization(clock.instant());
      } catch (HsmException e) {
        throw AgentException.hsm("cannot sign the DPS token: ", e);
      }
      Duration timeout = requestTimeout();
      if (operation.isEmpty()) {
        LOG.info("registering " + request.registrationId() + " with " + transport.describe());
        return transport.register(request, authorization, timeout);
      }
      return transport.poll(operation.get(), authorization, timeout);
    }

    /**
     * The request timeout, or what is left of the budget when less: no request outlives the run.
     */
    private Duration requestTimeout() throws AgentException {
      Duration left = timeLeft();
      if (left.isZero()) {
        throw outOfTime();
      }
      return left.compareTo(retry.requestTimeout()) < 0 ? left : retry.requestTimeout();
    }

    private Duration timeLeft() {
      Duration left = Duration.between(clock.instant(), deadline);
      return left.isNegative() ? Duration.ZERO : left;
    }

    /** Handles a 2xx answer: the terminal state, or the wait before the next poll. */
    private Optional<DeviceRegistrationResult> progress(DpsResponse response)
        throws AgentException, InterruptedException {
      RegistrationOperationStatus status;
      try {
        status = DpsMessages.operationStatus(response.body());
      } catch (MalformedResponseException e) {
        failedTransiently(e.getMessage(), response.retryAfter());
        return Optional.empty();
      }
      DpsValues.check(status); // outside data: refused before it reaches a path, topic, file or log
      consecutiveFailures = 0;
      if (status.status().isTerminal()) {
        return Optional.of(terminal(status));
      }
      status.operationId().ifPresent(id -> operation = Optional.of(new Operation(request, id)));
      Duration wait = backoff.beforePoll(response.retryAfter());
      LOG.debug(
          () ->
              "DPS is assigning "
                  + request.registrationId()
                  + "; polling in "
                  + wait.toMillis()
                  + " ms");
      if (wait.compareTo(timeLeft()) > 0) {
        throw response.retryAfter().isPresent()
            ? new AskedToWaitException(STILL_ASSIGNING + suffix(), wait)
            : exhausted(STILL_ASSIGNING);
      }
      sleeper.sleep(wait);
      return Optional.empty();
    }

    private DeviceRegistrationResult terminal(RegistrationOperationStatus status)
        throws AgentException {
      DeviceRegistrationResult state =
          status
              .registrationState()
              .orElseThrow(
                  () ->
                      new AgentException(
                          AgentException.Kind.REFUSED,
                          "DPS returned status "
                              + status.status()
                              + " without a registrationState"));
      switch (status.status()) {
        case ASSIGNED:
          if (state.assignedHub().isEmpty() || state.deviceId().isEmpty()) {
            throw new AgentException(
                AgentException.Kind.REFUSED,
                "DPS reported 'assigned' without assignedHub or deviceId");
          }
          if (state.tpm().isPresent()) {
            try {
              credentials.acceptAssignment(state.tpm().get().authenticationKey());
            } catch (HsmException e) {
              throw AgentException.hsm("cannot import the hub key DPS sent: ", e);
            }
          }
          return state;
        case DISABLED:
          throw new AgentException(
              AgentException.Kind.REFUSED,
              "DPS reports the enrollment of '"
                  + request.registrationId()
                  + "' as disabled"
                  + errorSuffix(state));
        default:
          throw new AgentException(
              AgentException.Kind.REFUSED,
              "DPS reports registration of '"
                  + request.registrationId()
                  + "' as "
                  + state.status()
                  + errorSuffix(state));
      }
    }

    /** Handles a non-2xx answer. */
    private void rejected(DpsResponse response) throws AgentException, InterruptedException {
      DpsErrorBody error = DpsMessages.errorBody(response.body());
      String what =
          "DPS answered "
              + response.status()
              + (error.describe().isEmpty() ? "" : " (" + error.describe() + ")");
      if (response.isTransientError()) {
        failedTransiently(what, response.retryAfter());
      } else if (response.status() == 401 && challenged(response)) {
        operation = Optional.empty(); // activated: send the registration again, now signed
      } else if (response.status() == 401 || response.status() == 403) {
        throw new AgentException(
            AgentException.Kind.ATTESTATION_REJECTED,
            clockSkew(response)
                .orElse(
                    "attestation rejected: "
                        + what
                        + "; check the registration ID and key against the enrollment"));
      } else if (response.status() == 404
          && error.errorCode().filter(RegistrationClient::isUnknownDevice).isPresent()) {
        throw new AgentException(
            AgentException.Kind.ATTESTATION_REJECTED,
            "attestation rejected: DPS has no enrollment for '"
                + request.registrationId()
                + "' ("
                + error.describe()
                + "); enroll the device first");
      } else if (response.status() == 404 && operation.isPresent()) {
        operation = Optional.empty(); // DPS forgot the operation: start the registration again
        failedTransiently(what + " for the operation", Optional.empty());
      } else {
        throw new AgentException(AgentException.Kind.REFUSED, "registration refused: " + what);
      }
    }

    /** Hands a TPM nonce challenge to the credentials; true when they activated it. */
    private boolean challenged(DpsResponse response) throws AgentException {
      Optional<TpmRegistrationResult> blob = DpsMessages.tpmChallenge(response.body());
      if (blob.isEmpty() || challenges >= MAX_CHALLENGES) {
        return false;
      }
      challenges++;
      try {
        boolean accepted = credentials.acceptChallenge(blob.get().authenticationKey());
        if (accepted) {
          LOG.info("activated the DPS challenge for " + request.registrationId());
        }
        return accepted;
      } catch (HsmException e) {
        throw AgentException.hsm("cannot activate the DPS challenge: ", e);
      }
    }

    private Optional<String> clockSkew(DpsResponse response) {
      return response
          .serverDate()
          .flatMap(
              server -> {
                Duration skew = Duration.between(server, clock.instant());
                if (skew.abs().compareTo(CLOCK_SKEW_TOLERANCE) <= 0) {
                  return Optional.empty();
                }
                return Optional.of(
                    "attestation rejected: device clock is "
                        + skew.abs().toSeconds()
                        + " s "
                        + (skew.isNegative() ? "behind" : "ahead of")
                        + " DPS; fix the time (NTP) and retry");
              });
    }

    private void failedTransiently(String what, Optional<Duration> retryAfter)
        throws AgentException, InterruptedException {
      consecutiveFailures++;
      lastFailure = what;
      if (consecutiveFailures >= retry.maxAttempts()) {
        throw exhausted("giving up after " + consecutiveFailures + " attempts");
      }
      Duration wait = backoff.afterFailure(consecutiveFailures, retryAfter);
      Duration left = timeLeft();
      if (wait.compareTo(left) > 0 && retryAfter.isPresent()) {
        // Sleeping into the deadline would only end the run later with the same outcome.
        throw new AskedToWaitException(
            "DPS asked to wait "
                + wait.toSeconds()
                + " s, beyond the time budget ("
                + left.toSeconds()
                + " s of "
                + retry.maxElapsed().toSeconds()
                + " s left); giving up after "
                + consecutiveFailures
                + " attempts"
                + suffix(),
            wait);
      }
      if (wait.compareTo(left) > 0) {
        throw outOfTime();
      }
      LOG.warning(
          what
              + "; retrying in "
              + wait.toMillis()
              + " ms (attempt "
              + (consecutiveFailures + 1)
              + " of "
              + retry.maxAttempts()
              + ")");
      sleeper.sleep(wait);
    }

    private AgentException outOfTime() {
      String budget = "the time budget of " + retry.maxElapsed().toSeconds() + " s ran out";
      if (consecutiveFailures > 0) {
        return exhausted("giving up after " + consecutiveFailures + " attempts: " + budget);
      }
      return exhausted(operation.isPresent() ? STILL_ASSIGNING : budget);
    }

    private AgentException exhausted(String why) {
      return new AgentException(AgentException.Kind.TRANSIENT, why + suffix());
    }

    /** Where the run was registering, and the last transient failure, for the final message. */
    private String suffix() {
      return " registering with "
          + transport.describe()
          + (lastFailure.isEmpty() ? "" : "; last error: " + lastFailure);
    }
  }

  /** DPS's codes for "no enrollment matches this device" (seen for TPM registrations). */
  private static boolean isUnknownDevice(int errorCode) {
    return errorCode == 404201 || errorCode == 404202;
  }

  private static String errorSuffix(DeviceRegistrationResult state) {
    StringBuilder sb = new StringBuilder();
    state.errorCode().ifPresent(c -> sb.append(" (errorCode ").append(c));
    state
        .errorMessage()
        .ifPresent(
            m -> sb.append(sb.length() > 0 ? ": " : " (").append(m.replaceAll("[\\r\\n]+", " ")));
    return sb.length() > 0 ? sb.append(')').toString() : "";
  }
}
