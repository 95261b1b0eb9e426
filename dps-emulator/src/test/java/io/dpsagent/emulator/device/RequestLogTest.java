package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogTest {

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private final Clock clock = new Clock() {
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @Test
  void stampsEachEntryWithTheMomentItWasAnswered() {
    RequestLog log = new RequestLog(clock);
    RequestLog.Entry throttled = new RequestLog.Entry("PUT", "/s/registrations/d/register", 429);
    RequestLog.Entry accepted = new RequestLog.Entry("PUT", "/s/registrations/d/register", 202);

    log.add(throttled);
    now = now.plus(Duration.ofSeconds(3));
    log.add(accepted);

    assertEquals(List.of(new RequestLog.Timed(throttled, Instant.parse("2026-01-01T00:00:00Z")),
        new RequestLog.Timed(accepted, Instant.parse("2026-01-01T00:00:03Z"))), log.timedEntries());
    assertEquals(List.of(throttled, accepted), log.entries());
  }
}
