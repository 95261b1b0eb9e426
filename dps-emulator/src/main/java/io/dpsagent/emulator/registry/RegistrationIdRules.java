package io.dpsagent.emulator.registry;

import java.util.Locale;

/**
 * The DPS rules for registration IDs and enrollment group IDs.
 *
 * <p>Both are case-insensitive, 1 to 128 characters from {@code A-Z a-z 0-9 - . _ :}, and end with
 * an alphanumeric character or {@code -} (the DPS terminology). A registration ID also may not
 * start with a special character (the REST specification: "No special characters allowed at
 * start"). Everything that stores or finds something by either ID goes through {@link #lookupKey}
 * so that case never splits one device, or one group, in two.
 */
public final class RegistrationIdRules {

  public static final int MAX_LENGTH = 128;

  /** What an invalid registration ID breaks, for messages. */
  public static final String REGISTRATION_ID_RULE =
      "1 to 128 of A-Z a-z 0-9 - . _ : starting with a letter or digit and ending in a letter,"
          + " digit or -";

  /** What an invalid enrollment group ID breaks, for messages. */
  public static final String GROUP_ID_RULE =
      "1 to 128 of A-Z a-z 0-9 - . _ : ending in a letter, digit or -";

  private RegistrationIdRules() {}

  public static boolean isValid(String registrationId) {
    return isValidGroupId(registrationId) && isAsciiAlphanumeric(registrationId.charAt(0));
  }

  public static boolean isValidGroupId(String enrollmentGroupId) {
    if (enrollmentGroupId == null
        || enrollmentGroupId.isEmpty()
        || enrollmentGroupId.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < enrollmentGroupId.length(); i++) {
      if (!isAllowed(enrollmentGroupId.charAt(i))) {
        return false;
      }
    }
    char last = enrollmentGroupId.charAt(enrollmentGroupId.length() - 1);
    return isAsciiAlphanumeric(last) || last == '-';
  }

  /** The case-folded form under which registrations, enrollments and groups are stored. */
  public static String lookupKey(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  private static boolean isAllowed(char c) {
    return isAsciiAlphanumeric(c) || c == '-' || c == '.' || c == '_' || c == ':';
  }

  private static boolean isAsciiAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
