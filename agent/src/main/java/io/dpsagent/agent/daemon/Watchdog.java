package io.dpsagent.agent.daemon;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * systemd's watchdog ({@code WatchdogSec=}): when {@code WATCHDOG_USEC} is set for this process,
 * {@code WATCHDOG=1} is sent about every half of it, from the daemon's own loop, so a hung loop is
 * noticed and restarted.
 *
 * <p>The loop wakes at least every quarter: a wait that ends a moment before the ping is due (woken
 * for something else, or a timed wait measured on the wall clock) then delays the ping by a
 * quarter, not by another half, which would bring the gap to the whole interval and systemd's kill.
 *
 * <p>Its time is the monotonic clock's, as systemd's watchdog is: a wall clock set back (a gateway
 * without a real-time clock meeting NTP) would otherwise hold the next ping back by as much.
 */
final class Watchdog {

  private final SystemdNotifier systemd;
  private final Optional<Duration> interval;
  private final LongSupplier nanoTime;
  private boolean pinged;
  private long next; // nanoTime of the next ping, once pinged

  /** {@code nanoTime} is {@code System::nanoTime} but in tests. */
  Watchdog(SystemdNotifier systemd, Map<String, String> environment, LongSupplier nanoTime) {
    this.systemd = systemd;
    this.nanoTime = nanoTime;
    this.interval = interval(environment);
  }

  static Optional<Duration> interval(Map<String, String> environment) {
    String usec = environment.get("WATCHDOG_USEC");
    String pid = environment.get("WATCHDOG_PID");
    if (usec == null
        || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
      return Optional.empty();
    }
    try {
      long micros = Long.parseLong(usec.strip());
      return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000 / 2)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Sends {@code WATCHDOG=1} when it is due. */
  void ping() {
    if (interval.isPresent() && (!pinged || nanoTime.getAsLong() - next >= 0)) {
      systemd.watchdog();
      pinged = true;
      next = nanoTime.getAsLong() + interval.get().toNanos();
    }
  }

  /** The longest the daemon may wait before calling {@link #ping()} again. */
  Duration maxWait(Duration wanted) {
    return interval.map(i -> i.dividedBy(2)).filter(w -> w.compareTo(wanted) < 0).orElse(wanted);
  }
}
