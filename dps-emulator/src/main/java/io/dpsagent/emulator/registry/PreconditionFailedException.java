package io.dpsagent.emulator.registry;

/**
 * A write condition did not hold: the {@code If-Match} etag differs or has nothing to match, an
 * {@code If-None-Match: *} create found the entry, or a replacement came without {@code If-Match}
 * where the instance requires one ({@link #conflict()}).
 */
public final class PreconditionFailedException extends Exception {

  private final boolean conflict;

  PreconditionFailedException(String message) {
    this(message, false);
  }

  private PreconditionFailedException(String message, boolean conflict) {
    super(message, null, false, false);
    this.conflict = conflict;
  }

  /** An unconditional write met an existing entry that may only be replaced under If-Match. */
  static PreconditionFailedException exists() {
    return new PreconditionFailedException("the entry exists and If-Match is missing", true);
  }

  /** Whether this is a conflict (HTTP 409) rather than a failed precondition (HTTP 412). */
  public boolean conflict() {
    return conflict;
  }
}
