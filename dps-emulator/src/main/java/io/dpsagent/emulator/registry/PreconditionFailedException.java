package io.dpsagent.emulator.registry;

/** An {@code If-Match} condition did not hold: the etag differs, or there is nothing to match. */
public final class PreconditionFailedException extends Exception {

  PreconditionFailedException(String message) {
    super(message, null, false, false);
  }
}
