package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;

/**
 * What a slot's token says about itself (CK_TOKEN_INFO): enough to pick it by URI and to see the
 * state of its user PIN before trying one.
 */
public record TokenInfo(
    long slotId, String label, String manufacturer, String model, String serial, long flags) {

  static final long CKF_LOGIN_REQUIRED = 0x4L;
  static final long CKF_TOKEN_INITIALIZED = 0x400L;
  static final long CKF_USER_PIN_COUNT_LOW = 0x10000L;
  static final long CKF_USER_PIN_FINAL_TRY = 0x20000L;
  static final long CKF_USER_PIN_LOCKED = 0x40000L;

  public boolean initialized() {
    return (flags & CKF_TOKEN_INITIALIZED) != 0;
  }

  /** The token counted a wrong user PIN since the last correct one. */
  public boolean userPinCountLow() {
    return (flags & CKF_USER_PIN_COUNT_LOW) != 0;
  }

  /** One more wrong user PIN locks the token. */
  public boolean userPinFinalTry() {
    return (flags & CKF_USER_PIN_FINAL_TRY) != 0;
  }

  public boolean userPinLocked() {
    return (flags & CKF_USER_PIN_LOCKED) != 0;
  }

  /** True when every token attribute the URI gives matches this token. */
  boolean matches(Pkcs11Uri uri) {
    return initialized()
        && (uri.token() == null || uri.token().equals(label))
        && (uri.manufacturer() == null || uri.manufacturer().equals(manufacturer))
        && (uri.model() == null || uri.model().equals(model))
        && (uri.serial() == null || uri.serial().equals(serial))
        && (uri.slotId() == null || uri.slotId() == slotId);
  }
}
