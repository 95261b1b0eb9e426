package io.dpsagent.agent.transport.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-decoding (section 2.1) of URI components such as user-info. Unlike
 * {@link java.net.URLDecoder}, which decodes HTML form data, a {@code +} stays a plus.
 */
final class PercentDecoding {

  private PercentDecoding() {}

  /**
   * Decodes {@code %XX} triplets as UTF-8 bytes.
   *
   * @param what names the component in errors, which never echo it (it may be a password)
   * @throws IllegalArgumentException for a broken triplet or bytes that are not UTF-8
   */
  static String decode(String text, String what) {
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
      int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
      if (low < 0) {
        throw new IllegalArgumentException(what
            + " has a '%' not followed by two hex digits; write a literal % as %25");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is percent-encoded bytes that are not UTF-8");
    }
  }
}
