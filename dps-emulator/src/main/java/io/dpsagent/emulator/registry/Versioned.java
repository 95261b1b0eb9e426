package io.dpsagent.emulator.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * An enrollment or group as stored, with the metadata the service API reports and matches {@code
 * If-Match} against.
 */
public record Versioned<T>(
    T value, String etag, Instant createdDateTimeUtc, Instant lastUpdatedDateTimeUtc) {

  /**
   * True if an {@code If-Match} value allows changing this version: {@code *}, or this etag, quoted
   * or not (SDKs send the body's etag verbatim, HTTP clients may quote it).
   */
  public boolean matches(Optional<String> ifMatch) {
    return ifMatch.isEmpty() || Etags.matches(etag, ifMatch.get());
  }
}
