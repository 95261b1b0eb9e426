package io.dpsagent.agent;

import io.dpsagent.hsm.HsmException;

/**
 * A failure that ends a command, of one of a closed set of {@link Kind}s. Code that fails says what
 * happened; the CLI alone decides what exit code that is (see {@code cli.ExitCode#of}).
 *
 * <p>The message is the one line the operator sees: it names the file, key or endpoint and, where
 * there is one, the fix. It never carries secrets.
 */
public class AgentException extends Exception {

  /** What went wrong, in the terms of the CLI contract. */
  public enum Kind {
    /** The configuration, a file it names, or the command line is wrong: a person must fix it. */
    CONFIG,
    /** DPS refused the device's proof of identity (401/403, unknown device, clock skew). */
    ATTESTATION_REJECTED,
    /** DPS stated with authority that it will not assign the device (failed, disabled, 4xx). */
    REFUSED,
    /** Network, DPS or time trouble that did not clear within the retry budget. */
    TRANSIENT,
    /** The TPM or HSM answered and refused or failed the operation. */
    HSM,
    /** The TPM or HSM is absent or does not answer; it may come back (a driver loaded late). */
    HSM_UNAVAILABLE;

    /** True when waiting may cure it: the daemon retries these with back-off instead of exiting. */
    public boolean mayClearWithTime() {
      return this == TRANSIENT || this == HSM_UNAVAILABLE;
    }
  }

  private final Kind kind;

  public AgentException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public AgentException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static AgentException config(String message) {
    return new AgentException(Kind.CONFIG, message);
  }

  /** A key-store failure, classified by its own kind; {@code context} prefixes its message. */
  public static AgentException hsm(String context, HsmException e) {
    return new AgentException(kindOf(e), context + e.getMessage(), e);
  }

  public static AgentException hsm(HsmException e) {
    return hsm("", e);
  }

  private static Kind kindOf(HsmException e) {
    return switch (e.kind()) {
      case KEY_SOURCE -> Kind.CONFIG;
      case UNAVAILABLE -> Kind.HSM_UNAVAILABLE;
      case DEVICE -> Kind.HSM;
    };
  }
}
