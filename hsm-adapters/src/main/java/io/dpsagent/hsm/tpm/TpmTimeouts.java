package io.dpsagent.hsm.tpm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long TPM I/O may wait before the agent gives up on the TPM.
 *
 * <p>Every connect and every command's answer is bounded by its own timeout, by the deadline of the
 * run when there is one, and by a stop request (SIGTERM), which a waiting read looks at every
 * {@link #TICK}. A TPM that is held by another program (swtpm serves one client at a time) or hangs
 * would otherwise block the agent for as long as the TPM likes. Immutable.
 */
public final class TpmTimeouts {

  /** How often a waiting read looks at the clock and the stop request. */
  static final Duration TICK = Duration.ofMillis(100);

  static final Duration DEFAULT_CONNECT = Duration.ofSeconds(5);

  /** Generous: creating an RSA primary key takes tens of seconds on slow hardware TPMs. */
  static final Duration DEFAULT_COMMAND = Duration.ofSeconds(120);

  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final TpmTimeouts DEFAULTS =
      new TpmTimeouts(DEFAULT_CONNECT, DEFAULT_COMMAND, NO_DEADLINE, () -> false);

  private final Duration connect;
  private final Duration command;
  private final long deadlineNanos; // a System.nanoTime() value, or NO_DEADLINE
  private final BooleanSupplier stopRequested;

  private TpmTimeouts(
      Duration connect, Duration command, long deadlineNanos, BooleanSupplier stopRequested) {
    this.connect = positive(connect, "connect timeout");
    this.command = positive(command, "command timeout");
    this.deadlineNanos = deadlineNanos;
    this.stopRequested = stopRequested;
  }

  private static Duration positive(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + d);
    }
    return d;
  }

  /** Connect in 5 s, an answer to each command in 120 s, no deadline, never stopped. */
  public static TpmTimeouts defaults() {
    return DEFAULTS;
  }

  /** At most {@code connect} for a connection and {@code command} for each command's answer. */
  public static TpmTimeouts of(Duration connect, Duration command) {
    return new TpmTimeouts(connect, command, NO_DEADLINE, () -> false);
  }

  /** The same, and no wait ends later than {@code budget} from now (the deadline of a run). */
  public TpmTimeouts within(Duration budget) {
    return new TpmTimeouts(
        connect, command, System.nanoTime() + positive(budget, "budget").toNanos(), stopRequested);
  }

  /** The same, and a wait ends within {@link #TICK} once {@code stop} says true. */
  public TpmTimeouts stoppingWhen(BooleanSupplier stop) {
    return new TpmTimeouts(connect, command, deadlineNanos, stop);
  }

  /** The connect timeout in milliseconds, cut short by the deadline; at least 1. */
  int connectMillis() {
    return (int)
        Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(limit(connect))));
  }

  /** A wait for one command's answer from the TPM named {@code tpm}, starting now. */
  Wait forAnswer(String tpm) {
    return new Wait(tpm, System.nanoTime(), limit(command), stopRequested);
  }

  private long limit(Duration timeout) {
    long nanos = timeout.toNanos();
    return deadlineNanos == NO_DEADLINE
        ? nanos
        : Math.max(0, Math.min(nanos, deadlineNanos - System.nanoTime()));
  }

  /** The exception for a TPM that did not answer within {@code limit}. */
  static TpmNoAnswerException noAnswer(String tpm, Duration limit) {
    long seconds = (limit.toMillis() + 999) / 1000;
    return new TpmNoAnswerException(
        tpm + ": TPM did not answer in " + seconds + " s (is another program using it?)");
  }

  @Override
  public String toString() {
    return "TpmTimeouts[connect="
        + connect
        + ", command="
        + command
        + (deadlineNanos == NO_DEADLINE ? "" : ", with deadline")
        + "]";
  }

  /**
   * One bounded wait. A device blocks in slices of {@link #nextSliceMillis()} until it is answered.
   */
  record Wait(String tpm, long start, long limitNanos, BooleanSupplier stopRequested) {

    /**
     * How long to block next, at most {@link #TICK}.
     *
     * @throws TpmNoAnswerException when the time is up or a stop was requested
     */
    int nextSliceMillis() {
      if (stopRequested.getAsBoolean()) {
        throw new TpmNoAnswerException(
            tpm + ": stopped waiting for the TPM (the agent was asked to stop)");
      }
      long left = limitNanos - (System.nanoTime() - start);
      if (left <= 0) {
        throw noAnswer(tpm, Duration.ofNanos(limitNanos));
      }
      return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, TICK.toNanos())));
    }
  }
}
