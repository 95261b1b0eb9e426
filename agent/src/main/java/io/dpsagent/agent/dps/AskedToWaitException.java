package io.dpsagent.agent.dps;

import io.dpsagent.agent.AgentException;
import java.time.Duration;

/**
 * A run that ended because DPS asked for a wait longer than the run's time budget had left. It is
 * transient like any exhausted run, and carries the wait so that whoever starts the next run (the
 * daemon) does not knock again before DPS allows it.
 */
public final class AskedToWaitException extends AgentException {

  private final Duration wait;

  public AskedToWaitException(String message, Duration wait) {
    super(Kind.TRANSIENT, message);
    this.wait = wait;
  }

  /** How long DPS asked the device to wait, counted from when this was thrown. */
  public Duration requestedWait() {
    return wait;
  }
}
