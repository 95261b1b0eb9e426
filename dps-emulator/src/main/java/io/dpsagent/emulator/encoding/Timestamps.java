package io.dpsagent.emulator.encoding;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as DPS writes them: UTC with seven fractional digits, e.g.
 * 2020-04-10T03:11:13.0276997Z.
 */
public final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /**
   * Parses any ISO-8601 instant (DPS's seven digits included).
   *
   * @throws IllegalArgumentException if {@code text} is not one
   */
  public static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("not an ISO-8601 UTC timestamp");
    }
  }
}
