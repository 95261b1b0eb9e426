package io.dpsagent.common;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding (section 2.1): URL path segments, user-info, SAS token values, RFC 7512
 * PKCS#11 URI attributes.
 *
 * <p>Unlike {@link java.net.URLEncoder} and {@link java.net.URLDecoder}, which speak HTML form
 * encoding, a space is {@code %20} and a {@code +} stays a {@code +}: SAS signatures are base64,
 * some SDKs leave their {@code +} unescaped, and passwords may contain one.
 */
public final class PercentEncoding {

  /**
   * Hex digit case of {@code %XX} escapes; SDKs differ (C writes lower case, most others upper).
   */
  public enum HexCase {
    UPPER("0123456789ABCDEF"),
    LOWER("0123456789abcdef");

    private final String digits;

    HexCase(String digits) {
      this.digits = digits;
    }
  }

  private PercentEncoding() {}

  /** Encodes all but the unreserved characters {@code A-Z a-z 0-9 - . _ ~}, with upper-case hex. */
  public static String encode(String text) {
    return encode(text, HexCase.UPPER);
  }

  /** Encodes all but the unreserved characters {@code A-Z a-z 0-9 - . _ ~}. */
  public static String encode(String text, HexCase hexCase) {
    return encode(text.getBytes(StandardCharsets.UTF_8), "", hexCase);
  }

  /**
   * Encodes {@code bytes}, leaving the unreserved characters and {@code alsoPlain} (ASCII
   * characters a grammar allows unescaped, such as RFC 7512's {@code :[]@!$'()*+,=&}) as they are.
   */
  public static String encode(byte[] bytes, String alsoPlain, HexCase hexCase) {
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isUnreserved(c) || (c < 0x80 && alsoPlain.indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(hexCase.digits.charAt(c >> 4))
            .append(hexCase.digits.charAt(c & 0xf));
      }
    }
    return out.toString();
  }

  /**
   * Decodes {@code %XX} escapes (either hex case) as UTF-8 text.
   *
   * @param what names the value in errors, which never echo it (it may be a password)
   * @throws IllegalArgumentException for a broken escape or bytes that are not UTF-8
   */
  public static String decode(String text, String what) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decodeBytes(text, what)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is percent-encoded bytes that are not UTF-8");
    }
  }

  /**
   * Decodes {@code %XX} escapes (either hex case) to bytes; other characters stand for their UTF-8
   * bytes.
   *
   * @param what names the value in errors, which never echo it
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits
   */
  public static byte[] decodeBytes(String text, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '%') {
        int escape = text.indexOf('%', i);
        int end = escape < 0 ? text.length() : escape;
        bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
        continue;
      }
      int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
      if (low < 0) {
        throw new IllegalArgumentException(
            what + " has a '%' not followed by two hex digits; write a literal % as %25");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    return bytes.toByteArray();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
