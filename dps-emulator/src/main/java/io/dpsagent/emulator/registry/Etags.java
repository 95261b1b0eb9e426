package io.dpsagent.emulator.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Etags shaped like DPS's: base64 of a quoted identifier. Clients treat them as opaque. */
public final class Etags {

  private Etags() {}

  public static String next() {
    String quoted = "\"" + UUID.randomUUID() + "\"";
    return Base64.getEncoder().encodeToString(quoted.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether an {@code If-Match} header value names {@code etag} (or is {@code *}). */
  public static boolean matches(String etag, String ifMatch) {
    String value = ifMatch.strip();
    if (value.equals("*")) {
      return true;
    }
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return value.equals(etag);
  }
}
