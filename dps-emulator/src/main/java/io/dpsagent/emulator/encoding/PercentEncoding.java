package io.dpsagent.emulator.encoding;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding, for URL path segments and SAS token values.
 *
 * <p>Unlike {@link java.net.URLDecoder}, a {@code +} stays a {@code +}: SAS signatures are base64
 * and some SDKs leave their {@code +} unescaped, and a path segment never uses form encoding.
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

  /**
   * Decodes {@code %XX} escapes (either hex case) as UTF-8.
   *
   * @throws IllegalArgumentException on a truncated or non-hex escape or bytes that are not UTF-8
   */
  public static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 2 >= text.length()) {
        throw new IllegalArgumentException("truncated percent escape");
      }
      bytes.write(hexValue(text.charAt(i + 1)) << 4 | hexValue(text.charAt(i + 2)));
      i += 2;
    }
    return strictUtf8(bytes.toByteArray());
  }

  /** Encodes everything but the RFC 3986 unreserved characters {@code A-Z a-z 0-9 - . _ ~}. */
  public static String encode(String text, HexCase hexCase) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(hexCase.digits.charAt(c >> 4))
            .append(hexCase.digits.charAt(c & 0xf));
      }
    }
    return out.toString();
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

  private static int hexValue(char c) {
    int value = Character.digit(c, 16);
    if (value < 0) {
      throw new IllegalArgumentException("invalid percent escape");
    }
    return value;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent escapes are not UTF-8");
    }
  }
}
