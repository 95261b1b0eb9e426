package io.dpsagent.hsm;

/**
 * Permission to read a key's raw value, as Google Tink's {@code SecretKeyAccess}: every method that
 * hands out key bytes takes one, so each place that does so passes {@link
 * InsecureSecretKeyAccess#get()} and can be found by searching for it.
 *
 * <p>The token proves nothing at run time; it makes the export visible in review.
 */
public final class SecretKeyAccess {

  static final SecretKeyAccess INSTANCE = new SecretKeyAccess();

  private SecretKeyAccess() {}

  /** Refuses a null token: {@code exportBase64(null)} would hide the call from a search. */
  public static SecretKeyAccess require(SecretKeyAccess access) {
    if (access == null) {
      throw new NullPointerException(
          "SecretKeyAccess is required to read a raw key; pass InsecureSecretKeyAccess.get()");
    }
    return access;
  }
}
