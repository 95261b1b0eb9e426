package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the daemon's loop feeds systemd's watchdog, against a clock the test moves. */
class WatchdogTest {

  private static final Duration WATCHDOG = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void aLoopWhoseWaitsEndEarlyStillPingsWellWithinTheInterval() throws Exception {
    MovableClock clock = new MovableClock();
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
      Watchdog watchdog = watchdog(systemd, clock);
      Instant lastPing = clock.instant();
      Duration longestGap = Duration.ZERO;
      for (int step = 0; step < 200; step++) {
        watchdog.ping();
        if (systemd.receive().equals("WATCHDOG=1")) {
          longestGap = max(longestGap, Duration.between(lastPing, clock.instant()));
          lastPing = clock.instant();
        }
        // The loop asks for more than the watchdog allows; every wait ends 1 ms early.
        clock.advance(watchdog.maxWait(Duration.ofSeconds(30)).minusMillis(1));
      }
      assertTrue(
          longestGap.compareTo(WATCHDOG.multipliedBy(3).dividedBy(4)) <= 0, longestGap.toString());
      assertTrue(longestGap.compareTo(WATCHDOG.dividedBy(2)) >= 0, longestGap.toString());
    }
  }

  @Test
  void aShortWaitIsKeptAndWithoutAWatchdogEveryWaitIsKept() throws Exception {
    MovableClock clock = new MovableClock();
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
      assertEquals(
          Duration.ofMillis(100), watchdog(systemd, clock).maxWait(Duration.ofMillis(100)));
      assertEquals(Duration.ofMillis(500), watchdog(systemd, clock).maxWait(Duration.ofMinutes(5)));
      Watchdog none =
          new Watchdog(new SystemdNotifier(Optional.of(systemd.name())), Map.of(), clock);
      none.ping();
      assertEquals(Duration.ofMinutes(5), none.maxWait(Duration.ofMinutes(5)));
      assertEquals("", systemd.receive());
    }
  }

  private static Watchdog watchdog(NotifySocket systemd, Clock clock) {
    return new Watchdog(
        new SystemdNotifier(Optional.of(systemd.name())),
        Map.of("WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)),
        clock);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
