package io.dpsagent.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.AgentException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Skew rules: within a minute ok, up to five minutes (DPS's tolerance) a warning, beyond an error.
 */
class ClockCheckTest {

  private static final Instant SERVER = Instant.parse("2026-11-27T10:00:00Z");

  private static Verdict skewedBy(long seconds) {
    return ClockCheck.judge(SERVER.plusSeconds(seconds), SERVER, "dps:443");
  }

  @Test
  void aMinuteIsFine() {
    assertEquals(Status.OK, skewedBy(60).status());
    assertEquals(
        "this device's clock agrees with dps:443 (Date 2026-11-27T10:00:00Z)",
        skewedBy(1).message());
  }

  @Test
  void moreThanAMinuteWarns() {
    Verdict verdict = skewedBy(-61);
    assertEquals(Status.WARNING, verdict.status());
    assertEquals(
        "this device's clock is 61 s behind dps:443 (Date 2026-11-27T10:00:00Z)",
        verdict.message());
  }

  @Test
  void moreThanFiveMinutesIsAnAttestationFailure() {
    Verdict verdict = skewedBy(301);
    assertEquals(Status.ERROR, verdict.status());
    assertEquals(Optional.of(AgentException.Kind.ATTESTATION_REJECTED), verdict.kind());
    assertEquals(Status.WARNING, skewedBy(300).status());
  }
}
