package io.dpsagent.hsm;

import java.util.regex.Pattern;

/**
 * Shows text that came from outside (a config value, a network answer) inside a message or a log
 * line without letting it forge lines or drive the terminal: control characters, line and paragraph
 * separators, bidirectional overrides and lone surrogates become visible escapes ({@code \n},
 * {@code \u001B}), and a backslash is doubled so the escaping cannot be faked. {@link #quote} also
 * hides what would be a credential if the text were a URI: a mistyped value may be a proxy URL with
 * its password, pasted into the wrong key.
 */
public final class Printable {

  /** How much of an outside value a message shows by default. */
  public static final int DEFAULT_MAX = 160;

  private static final Pattern USER_INFO = Pattern.compile("((?:^|//)[^/:@\\s]*:)[^/\\s]*@");
  private static final Pattern PIN_VALUE = Pattern.compile("((?i)pin-value=)[^;&?\\s'\"]*");

  private Printable() {}

  /** The whole text, escaped. */
  public static String escape(String text) {
    return escape(text, Integer.MAX_VALUE);
  }

  /** At most {@code max} characters of the text, escaped, with {@code ...} when it was cut. */
  public static String escape(String text, int max) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
    int end = Math.min(text.length(), max);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (isUnsafe(text, i)) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return end < text.length() ? out.append("...").toString() : out.toString();
  }

  /**
   * The text in single quotes, escaped and cut at {@link #DEFAULT_MAX} characters, with the
   * password of any {@code user:password@} and the value of any {@code pin-value=} replaced by
   * {@code ***}.
   */
  public static String quote(String text) {
    return "'" + escape(text == null ? null : withoutCredentials(text), DEFAULT_MAX) + "'";
  }

  /**
   * The text with URI passwords and PKCS#11 inline PINs masked. A password runs from the first
   * {@code :} after {@code //} (or after the start) to the last {@code @} before the host, so a
   * password holding {@code :} or {@code @} is masked whole.
   */
  static String withoutCredentials(String text) {
    return PIN_VALUE.matcher(USER_INFO.matcher(text).replaceAll("$1***@")).replaceAll("$1***");
  }

  /** True when the text needs no escaping: nothing in it can break a line or a terminal. */
  public static boolean isSafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\' || isUnsafe(text, i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnsafe(String text, int i) {
    char c = text.charAt(i);
    if (Character.isISOControl(c)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200E'
        || c == '\u200F'
        || c == '\uFEFF') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    return Character.isLowSurrogate(c)
        && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
  }
}
