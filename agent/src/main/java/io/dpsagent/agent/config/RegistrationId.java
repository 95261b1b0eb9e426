package io.dpsagent.agent.config;

import io.dpsagent.hsm.Printable;
import java.util.regex.Pattern;

/**
 * The rules DPS applies to registration IDs, checked on the device so that a bad ID fails before
 * any network call: case-insensitive; letters, digits and {@code - . _ :}; the last character a
 * letter, digit or {@code -}; at most 128 characters.
 */
public final class RegistrationId {

  public static final int MAX_LENGTH = 128;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]*[A-Za-z0-9-]");

  private RegistrationId() {}

  /** True when {@link #validate} accepts the ID. */
  public static boolean isValid(String id) {
    return !id.isEmpty() && id.length() <= MAX_LENGTH && ALLOWED.matcher(id).matches();
  }

  /**
   * @throws IllegalArgumentException saying which rule the ID breaks; the ID is shown escaped
   */
  public static void validate(String id) {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("registration ID is empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "registration ID is "
              + id.length()
              + " characters long; DPS allows at most "
              + MAX_LENGTH);
    }
    if (!ALLOWED.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "registration ID "
              + Printable.quote(id)
              + " is invalid; use letters, digits and - . _ : only, ending in a letter, digit or -");
    }
  }
}
