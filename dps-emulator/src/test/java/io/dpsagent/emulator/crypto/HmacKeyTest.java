package io.dpsagent.emulator.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Published vectors only: RFC 4231 for HMAC-SHA256 and the protocol notes (4.3, 4.4) for DPS. */
class HmacKeyTest {

  private static final HexFormat HEX = HexFormat.of();

  /** RFC 4231 cases 1, 2 and 6 (a key longer than SHA-256's block, which is hashed first). */
  static Stream<Arguments> rfc4231() {
    return Stream.of(
        Arguments.of(
            "0b".repeat(20),
            "Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Arguments.of(
            "4a656665",
            "what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Arguments.of(
            "aa".repeat(131),
            "Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
  }

  @ParameterizedTest
  @MethodSource("rfc4231")
  void rfc4231Vectors(String keyHex, String data, String macHex) {
    HmacKey key = HmacKey.ofBytes(HEX.parseHex(keyHex));

    assertEquals(macHex, HEX.formatHex(key.mac(ascii(data))));
  }

  @Test
  void groupKeyDerivationMatchesTheProtocolNotes() {
    HmacKey group = HmacKey.ofBase64(base64Of(0, 64));

    assertEquals(
        "bf2Swwo3vkLIGksxx8gesUTRM/BeVGtLjHRYev98Q+s=",
        group.deriveForDevice("my-device-01").toBase64());
  }

  @Test
  void derivationHashesTheRegistrationIdAsGivenInUtf8() {
    HmacKey group = HmacKey.ofBase64(base64Of(0, 64));

    assertEquals(
        Base64.getEncoder().encodeToString(group.mac("Gerät-1".getBytes(StandardCharsets.UTF_8))),
        group.deriveForDevice("Gerät-1").toBase64());
    assertFalse(
        group
            .deriveForDevice("My-Device-01")
            .toBase64()
            .equals(group.deriveForDevice("my-device-01").toBase64()));
  }

  @Test
  void verifiesTheSasVectorAndNothingElse() {
    HmacKey key = HmacKey.ofBase64(base64Of(0, 32));
    byte[] data = ascii("0ne00ABCDEF%2fregistrations%2fmy-device-01\n1767225600");
    byte[] signature = Base64.getDecoder().decode("yjEPgQnZ+q6H2ooilwfMPTiRUCepkcPIPlE+Mxi607Q=");

    assertTrue(key.verifies(data, signature));
    byte[] flipped = signature.clone();
    flipped[0] ^= 1;
    assertFalse(key.verifies(data, flipped));
    assertFalse(key.verifies(data, Arrays.copyOf(signature, 31)));
    assertFalse(HmacKey.ofBase64(base64Of(32, 32)).verifies(data, signature));
  }

  @Test
  void copiesTheCallersBytes() {
    byte[] bytes = ascii("Jefe");
    HmacKey key = HmacKey.ofBytes(bytes);
    Arrays.fill(bytes, (byte) 0);

    assertEquals("SmVmZQ==", key.toBase64());
    byte[] exported = key.toBytes();
    exported[0] = 0;
    assertArrayEquals(ascii("Jefe"), key.toBytes());
  }

  @Test
  void badKeysAreRefusedWithoutRepeatingThem() {
    IllegalArgumentException notBase64 =
        assertThrows(IllegalArgumentException.class, () -> HmacKey.ofBase64("s3cr3t!!"));
    assertEquals("symmetric key is not valid base64", notBase64.getMessage());
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> HmacKey.ofBase64(""));
    assertEquals("symmetric key is empty", empty.getMessage());
  }

  @Test
  void toStringNeverShowsTheKey() {
    HmacKey key = HmacKey.ofBase64(base64Of(0, 32));

    assertEquals("HmacKey[HMAC-SHA256, redacted]", key.toString());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** base64 of the bytes first, first+1, ... (the notes' test keys). */
  private static String base64Of(int first, int count) {
    byte[] bytes = new byte[count];
    for (int i = 0; i < count; i++) {
      bytes[i] = (byte) (first + i);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }
}
