package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the daemon's loop feeds systemd's watchdog, against a monotonic clock the test moves. */
class WatchdogTest {

  private static final Duration WATCHDOG = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void aLoopWhoseWaitsEndEarlyStillPingsWellWithinTheInterval() throws Exception {
    Duration longestGap = longestGap(new MovableTime(0));
    assertTrue(
        longestGap.compareTo(WATCHDOG.multipliedBy(3).dividedBy(4)) <= 0, longestGap.toString());
    assertTrue(longestGap.compareTo(WATCHDOG.dividedBy(2)) >= 0, longestGap.toString());
  }

  @Test
  void pingsGoOnWhenTheMonotonicClockWrapsAround() throws Exception {
    // System.nanoTime may start anywhere, and only differences are meaningful.
    Duration longestGap = longestGap(new MovableTime(Long.MAX_VALUE - WATCHDOG.toNanos() * 10));
    assertTrue(
        longestGap.compareTo(WATCHDOG.multipliedBy(3).dividedBy(4)) <= 0, longestGap.toString());
  }

  @Test
  void aShortWaitIsKeptAndWithoutAWatchdogEveryWaitIsKept() throws Exception {
    MovableTime time = new MovableTime(0);
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
      assertEquals(Duration.ofMillis(100), watchdog(systemd, time).maxWait(Duration.ofMillis(100)));
      assertEquals(Duration.ofMillis(500), watchdog(systemd, time).maxWait(Duration.ofMinutes(5)));
      Watchdog none =
          new Watchdog(new SystemdNotifier(Optional.of(systemd.name())), Map.of(), time);
      none.ping();
      assertEquals(Duration.ofMinutes(5), none.maxWait(Duration.ofMinutes(5)));
      assertEquals("", systemd.receive());
    }
  }

  /**
   * 200 turns of a loop that asks for more than the watchdog allows, each wait ending 1 ms early.
   */
  private Duration longestGap(MovableTime time) throws Exception {
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
      Watchdog watchdog = watchdog(systemd, time);
      long lastPing = time.getAsLong();
      long longestGap = 0;
      int pings = 0;
      for (int step = 0; step < 200; step++) {
        watchdog.ping();
        if (systemd.receive().equals("WATCHDOG=1")) {
          longestGap = Math.max(longestGap, time.getAsLong() - lastPing);
          lastPing = time.getAsLong();
          pings++;
        }
        time.advance(watchdog.maxWait(Duration.ofSeconds(30)).minusMillis(1));
      }
      assertTrue(pings > 60, "pings: " + pings);
      return Duration.ofNanos(longestGap);
    }
  }

  private static Watchdog watchdog(NotifySocket systemd, LongSupplier time) {
    return new Watchdog(
        new SystemdNotifier(Optional.of(systemd.name())),
        Map.of("WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)),
        time);
  }

  private static final class MovableTime implements LongSupplier {
    private long nanos;

    MovableTime(long start) {
      nanos = start;
    }

    void advance(Duration duration) {
      nanos += duration.toNanos(); // wraps as System.nanoTime may
    }

    @Override
    public long getAsLong() {
      return nanos;
    }
  }
}
