package io.dpsagent.emulator.device;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps as DPS writes them: UTC with seven fractional digits, e.g.
 * 2020-04-10T03:11:13.0276997Z.
 */
public final class DpsTimestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private DpsTimestamps() {}

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }
}
