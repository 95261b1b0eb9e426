package io.dpsagent.hsm.pem;

import io.dpsagent.hsm.pem.Pem.MalformedPemException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One {@code -----BEGIN label-----} ... {@code -----END label-----} block of a PEM text (RFC 7468,
 * with the {@code Name: value} headers of OpenSSL's encrypted traditional keys), found without
 * decoding anything: a reader decodes only the blocks it wants, so a trust bundle costs no more
 * than base64 and the JDK's certificate parser.
 */
record PemBlock(String label, List<String> headers, String base64) {

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /**
   * Every block of {@code text} in order; lines outside blocks are ignored.
   *
   * @throws MalformedPemException for a block without its END line or with another label in it
   */
  static List<PemBlock> all(String text) throws MalformedPemException {
    List<PemBlock> blocks = new ArrayList<>();
    String label = null;
    List<String> headers = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (label == null) {
        if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > 16) {
          label = line.substring(BEGIN.length(), line.length() - DASHES.length());
          headers = new ArrayList<>();
          body.setLength(0);
        }
      } else if (line.startsWith(END)) {
        if (!line.equals(END + label + DASHES)) {
          throw new MalformedPemException();
        }
        blocks.add(new PemBlock(label, List.copyOf(headers), body.toString()));
        label = null;
      } else if (body.length() == 0 && line.indexOf(':') > 0) {
        headers.add(line);
      } else {
        body.append(line);
      }
    }
    if (label != null) {
      throw new MalformedPemException();
    }
    return blocks;
  }

  /**
   * The block's bytes.
   *
   * @throws MalformedPemException when the body is empty or not base64
   */
  byte[] der() throws MalformedPemException {
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      if (der.length == 0) {
        throw new MalformedPemException();
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw new MalformedPemException();
    }
  }

  /** The block as text again, for a parser that wants PEM. */
  String text() {
    StringBuilder pem = new StringBuilder(BEGIN).append(label).append(DASHES).append('\n');
    headers.forEach(h -> pem.append(h).append('\n'));
    if (!headers.isEmpty()) {
      pem.append('\n');
    }
    for (int i = 0; i < base64.length(); i += 64) {
      pem.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
    }
    return pem.append(END).append(label).append(DASHES).append('\n').toString();
  }

  /** {@code der} as one block of {@code label}, lines of 64 characters. */
  static String encode(String label, byte[] der) {
    return new PemBlock(label, List.of(), Base64.getEncoder().encodeToString(der)).text();
  }
}
