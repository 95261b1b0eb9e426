package io.dpsagent.agent;

/** The process exit codes of the CLI contract. Scripts on the factory line depend on them. */
public enum ExitCode {
  SUCCESS(0),
  CONFIG(2),
  ATTESTATION_REJECTED(3),
  REGISTRATION_REFUSED(4),
  TRANSIENT_EXHAUSTED(5),
  HSM(6);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
