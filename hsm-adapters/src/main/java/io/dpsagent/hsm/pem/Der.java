package io.dpsagent.hsm.pem;

import java.util.Arrays;
import java.util.Optional;

/**
 * The little DER the PEM reader needs before handing bytes to the JDK: whether a block is one whole
 * SEQUENCE (a damaged block, told apart from a well-formed non-certificate), and the algorithm of a
 * PKCS#8 key (which {@link java.security.KeyFactory} to ask).
 */
final class Der {

  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int OID = 0x06;

  private Der() {}

  /** A tag-length-value header: the content is {@code [start, end)}. */
  private record Tlv(int tag, int start, int end) {}

  /** True when {@code der} is exactly one SEQUENCE, its length agreeing with the bytes. */
  static boolean isOneSequence(byte[] der) {
    return read(der, 0).filter(t -> t.tag() == SEQUENCE && t.end() == der.length).isPresent();
  }

  /**
   * The JDK name of the algorithm of a PKCS#8 {@code PrivateKeyInfo}: {@code SEQUENCE { INTEGER,
   * SEQUENCE { OID, ... }, OCTET STRING }}; empty when the bytes are not that or the OID is not one
   * named here.
   */
  static Optional<String> pkcs8Algorithm(byte[] der) {
    return read(der, 0)
        .filter(info -> info.tag() == SEQUENCE)
        .flatMap(info -> read(der, info.start()).filter(v -> v.tag() == INTEGER))
        .flatMap(version -> read(der, version.end()).filter(a -> a.tag() == SEQUENCE))
        .flatMap(algorithm -> read(der, algorithm.start()).filter(o -> o.tag() == OID))
        .flatMap(oid -> algorithmOf(Arrays.copyOfRange(der, oid.start(), oid.end())));
  }

  private static Optional<String> algorithmOf(byte[] oid) {
    return switch (hex(oid)) {
      case "2a864886f70d010101" -> Optional.of("RSA"); // 1.2.840.113549.1.1.1
      case "2a8648ce3d0201" -> Optional.of("EC"); // 1.2.840.10045.2.1
      case "2b6570" -> Optional.of("Ed25519"); // 1.3.101.112
      case "2b6571" -> Optional.of("Ed448"); // 1.3.101.113
      default -> Optional.empty();
    };
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  /** The TLV at {@code at}, when its definite length fits in the array. */
  private static Optional<Tlv> read(byte[] der, int at) {
    if (at + 2 > der.length) {
      return Optional.empty();
    }
    int tag = der[at] & 0xFF;
    int first = der[at + 1] & 0xFF;
    int start = at + 2;
    long length = first;
    if (first > 0x80) {
      int count = first - 0x80;
      if (count > 4 || start + count > der.length) {
        return Optional.empty();
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (der[start + i] & 0xFF);
      }
      start += count;
    } else if (first == 0x80) {
      return Optional.empty(); // indefinite length is BER, not DER
    }
    long end = start + length;
    return end <= der.length ? Optional.of(new Tlv(tag, start, (int) end)) : Optional.empty();
  }
}
