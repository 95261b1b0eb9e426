package io.dpsagent.agent.check;

/** A check's verdict under its id, as reported. */
public record CheckResult(String id, Verdict verdict) {

  public Status status() {
    return verdict.status();
  }
}
