package io.dpsagent.emulator.device;

import io.dpsagent.emulator.encoding.Timestamps;
import java.time.Instant;

/**
 * Timestamps as DPS writes them: UTC with seven fractional digits, e.g.
 * 2020-04-10T03:11:13.0276997Z.
 */
public final class DpsTimestamps {

  private DpsTimestamps() {}

  public static String format(Instant instant) {
    return Timestamps.format(instant);
  }
}
