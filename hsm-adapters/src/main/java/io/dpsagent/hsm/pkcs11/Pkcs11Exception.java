package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.HsmException;

/**
 * A PKCS#11 token could not do what was asked. {@link #pkcs11Kind()} lets a caller react (e.g.
 * never retry {@link Kind#WRONG_PIN}); the message names the URI, never the PIN.
 */
public final class Pkcs11Exception extends HsmException {

  /** What went wrong. */
  public enum Kind {
    /** The module (shared library) is missing, not a PKCS#11 module, or no path was given. */
    MODULE_NOT_FOUND,
    /** No initialised token matches the URI's token attributes. */
    TOKEN_NOT_FOUND,
    /** The PIN file is missing, unreadable or readable by others, or no PIN was given. */
    PIN_UNAVAILABLE,
    /** The token refused the PIN (one attempt was made; never retried). */
    WRONG_PIN,
    /** The token's user PIN is locked; only the security officer can unlock it. */
    PIN_LOCKED,
    /** No object with the URI's label/ID and class exists on the token. */
    OBJECT_NOT_FOUND,
    /** An object with that label already exists; keys are stored once. */
    OBJECT_EXISTS,
    /**
     * The object exists but is unfit: extractable key, certificate for another key, wrong class.
     */
    OBJECT_UNFIT,
    /** The token or module lacks a mechanism the operation needs. */
    MECHANISM_UNSUPPORTED,
    /** Any other failure reported by the module. */
    TOKEN_ERROR
  }

  private final Kind kind;

  Pkcs11Exception(Kind kind, String message) {
    super(hsmKind(kind), message);
    this.kind = kind;
  }

  Pkcs11Exception(Kind kind, String message, Throwable cause) {
    super(hsmKind(kind), message, cause);
    this.kind = kind;
  }

  /** The PKCS#11 detail; {@link #kind()} of the base class says who can fix it. */
  public Kind pkcs11Kind() {
    return kind;
  }

  /**
   * A missing or too open PIN file and a missing module are the operator's to fix, like key files;
   * a token that is not plugged in may come back; the rest is the token's answer.
   */
  private static HsmException.Kind hsmKind(Kind kind) {
    return switch (kind) {
      case PIN_UNAVAILABLE -> HsmException.Kind.KEY_SOURCE;
      case TOKEN_NOT_FOUND -> HsmException.Kind.UNAVAILABLE;
      default -> HsmException.Kind.DEVICE;
    };
  }
}
