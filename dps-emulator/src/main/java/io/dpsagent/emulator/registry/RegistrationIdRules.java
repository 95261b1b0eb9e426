package io.dpsagent.emulator.registry;

import java.util.Locale;

/**
 * The DPS rules for registration IDs.
 *
 * <p>A registration ID is case-insensitive, 1 to 128 characters from {@code A-Z a-z 0-9 - . _ :},
 * and ends with an alphanumeric character or {@code -}. Everything that stores or finds something
 * by registration ID goes through {@link #lookupKey} so that case never splits one device in two.
 */
public final class RegistrationIdRules {

  public static final int MAX_LENGTH = 128;

  private RegistrationIdRules() {}

  public static boolean isValid(String registrationId) {
    if (registrationId == null
        || registrationId.isEmpty()
        || registrationId.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < registrationId.length(); i++) {
      if (!isAllowed(registrationId.charAt(i))) {
        return false;
      }
    }
    char last = registrationId.charAt(registrationId.length() - 1);
    return isAsciiAlphanumeric(last) || last == '-';
  }

  /** The case-folded form under which registrations and enrollments are stored. */
  public static String lookupKey(String registrationId) {
    return registrationId.toLowerCase(Locale.ROOT);
  }

  private static boolean isAllowed(char c) {
    return isAsciiAlphanumeric(c) || c == '-' || c == '.' || c == '_' || c == ':';
  }

  private static boolean isAsciiAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
