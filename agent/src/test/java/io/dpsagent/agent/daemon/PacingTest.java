package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.dps.AskedToWaitException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pause between the daemon's provisioning runs. */
class PacingTest {

  private static final Duration CEILING = Duration.ofSeconds(30);

  @Test
  void aTransientFailureWaitsBetweenHalfTheCeilingAndTheCeiling() {
    SplittableRandom random = new SplittableRandom(3);
    AgentException failure = new AgentException(AgentException.Kind.TRANSIENT, "no answer");
    for (int i = 0; i < 500; i++) {
      Duration wait = Pacing.waitBeforeNextRun(CEILING, failure, random);
      assertTrue(
          wait.compareTo(Duration.ofSeconds(15)) >= 0 && wait.compareTo(CEILING) <= 0,
          wait.toString());
    }
  }

  @Test
  void aWaitDpsAskedForThatTheRunCouldNotFitIsKeptByTheNextRun() {
    AgentException asked = askedToWait(Duration.ofSeconds(600));
    assertEquals(
        Duration.ofSeconds(600), Pacing.waitBeforeNextRun(CEILING, asked, new SplittableRandom(3)));
  }

  @Test
  void aShortRequestedWaitDoesNotShortenTheBackOff() {
    Duration wait =
        Pacing.waitBeforeNextRun(
            CEILING, askedToWait(Duration.ofSeconds(2)), new SplittableRandom(3));
    assertTrue(wait.compareTo(Duration.ofSeconds(15)) >= 0, wait.toString());
  }

  private static AgentException askedToWait(Duration wait) {
    return new AskedToWaitException("DPS asked to wait " + wait.toSeconds() + " s", wait);
  }
}
