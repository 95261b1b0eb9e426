package io.dpsagent.emulator.mqtt;

import io.dpsagent.common.PercentEncoding;
import java.util.Optional;

/** The {@code key=value&...} strings in DPS user names and topics. */
public final class QueryParameters {

  private QueryParameters() {}

  /** The raw (still encoded) value of the first {@code name} parameter; empty if absent. */
  public static Optional<String> firstRaw(String query, String name) {
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (key.equals(name)) {
        return Optional.of(equals < 0 ? "" : pair.substring(equals + 1));
      }
    }
    return Optional.empty();
  }

  /** As {@link #firstRaw}, percent-decoded; a value with a malformed escape is taken as written. */
  public static Optional<String> first(String query, String name) {
    return firstRaw(query, name).map(QueryParameters::decode);
  }

  private static String decode(String value) {
    try {
      return PercentEncoding.decode(value, "query parameter");
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
