package io.dpsagent.agent.dps;

/** DPS answered with a body the protocol does not allow. */
public final class MalformedResponseException extends Exception {

  public MalformedResponseException(String message) {
    super(message);
  }
}
