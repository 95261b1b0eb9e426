package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;

/**
 * The process exit codes of the CLI contract. Scripts on the factory line depend on them, and the
 * README's table is {@link #of}: the one place where a failure becomes a number.
 */
public enum ExitCode {
  SUCCESS(0),
  CONFIG(2),
  ATTESTATION_REJECTED(3),
  REGISTRATION_REFUSED(4),
  TRANSIENT_EXHAUSTED(5),
  HSM(6);

  /** A defect in the agent itself; the contract's codes are for everything else. */
  static final int INTERNAL_ERROR = 1;

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The exit code of a failure. */
  public static ExitCode of(AgentException.Kind kind) {
    return switch (kind) {
      case CONFIG -> CONFIG;
      case ATTESTATION_REJECTED -> ATTESTATION_REJECTED;
      case REFUSED -> REGISTRATION_REFUSED;
      case TRANSIENT -> TRANSIENT_EXHAUSTED;
      case HSM, HSM_UNAVAILABLE -> HSM;
    };
  }

  public static ExitCode of(AgentException e) {
    return of(e.kind());
  }
}
