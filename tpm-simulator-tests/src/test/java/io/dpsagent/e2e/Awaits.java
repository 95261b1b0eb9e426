package io.dpsagent.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits: each polls every 20 ms and fails naming what it waited for. */
final class Awaits {

  private Awaits() {}

  static void until(String what, Duration bound, BooleanSupplier condition)
      throws InterruptedException {
    until(what, bound, condition, () -> true, () -> "");
  }

  /**
   * Waits up to {@code bound} for {@code condition}, failing at once when {@code alive} turns
   * false; {@code context} is added to the failure.
   */
  static void until(
      String what,
      Duration bound,
      BooleanSupplier condition,
      BooleanSupplier alive,
      Supplier<String> context)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(bound);
    while (!condition.getAsBoolean()) {
      if (!alive.getAsBoolean() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + bound + ": " + what + context.get());
      }
      Thread.sleep(20);
    }
  }
}
