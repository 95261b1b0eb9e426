package io.dpsagent.emulator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.crypto.HmacKey;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test vectors of the protocol notes (section 4.4) and the token syntax variants of 4.1/4.2.
 */
class ParsedSasTokenTest {

  private static final HmacKey KEY = HmacKey.ofBase64(TestTokens.VECTOR_KEY);
  private static final HmacKey WRONG_KEY = HmacKey.ofBase64(TestTokens.OTHER_KEY);

  @ParameterizedTest
  @CsvSource({
    "0ne00ABCDEF%2fregistrations%2fmy-device-01,"
        + " yjEPgQnZ%2Bq6H2ooilwfMPTiRUCepkcPIPlE%2BMxi607Q%3D",
    "0ne00ABCDEF%2Fregistrations%2Fmy-device-01,"
        + " 3vMXV%2F3q4Wm%2BWqSW3Y%2BetjCUSumorYD00MMtYpFIzzw%3D",
    "0ne00ABCDEF/registrations/my-device-01, 4tA1KvdktEQ7bmnlwkFOOQOd4QeB5gphDBc8pR%2FLKOE%3D"
  })
  void vectorsVerifyWithTheirKeyOnly(String sr, String sig) throws Exception {
    ParsedSasToken token =
        ParsedSasToken.parse(
            "SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=1767225600&skn=registration");

    assertTrue(token.isSignedWith(KEY));
    assertFalse(token.isSignedWith(WRONG_KEY));
    assertEquals("0ne00ABCDEF/registrations/my-device-01", token.resource());
    assertEquals(1767225600L, token.expiryEpochSeconds());
    assertEquals(Optional.of("registration"), token.keyName());
  }

  @Test
  void vectorSignatureComputedLikeTheNotesSay() {
    assertEquals(
        "yjEPgQnZ+q6H2ooilwfMPTiRUCepkcPIPlE+Mxi607Q=",
        TestTokens.signature(
            TestTokens.VECTOR_KEY, "0ne00ABCDEF%2fregistrations%2fmy-device-01", 1767225600L));
  }

  @Test
  void signatureMayBeLowerHexRawPlusOrUnpadded() throws Exception {
    String sr = "sr=0ne00ABCDEF%2fregistrations%2fmy-device-01&se=1767225600";
    for (String sig :
        new String[] {
          "yjEPgQnZ%2bq6H2ooilwfMPTiRUCepkcPIPlE%2bMxi607Q%3d",
          "yjEPgQnZ+q6H2ooilwfMPTiRUCepkcPIPlE+Mxi607Q=",
        }) {
      assertTrue(
          ParsedSasToken.parse("SharedAccessSignature " + sr + "&sig=" + sig).isSignedWith(KEY),
          sig);
    }
  }

  @Test
  void signatureOverAnotherSpellingOfTheResourceStillVerifies() throws Exception {
    // Signed over "%2F" (upper hex) but the token carries "%2f": a re-encoding proxy did it.
    String token =
        "SharedAccessSignature sr=0ne00ABCDEF%2fregistrations%2fmy-device-01"
            + "&sig=3vMXV%2F3q4Wm%2BWqSW3Y%2BetjCUSumorYD00MMtYpFIzzw%3D&se=1767225600";

    assertTrue(ParsedSasToken.parse(token).isSignedWith(KEY));
  }

  static Stream<String> parameterOrders() {
    String sr = "sr=0ne00ABCDEF/registrations/my-device-01";
    String sig = "sig=4tA1KvdktEQ7bmnlwkFOOQOd4QeB5gphDBc8pR%2FLKOE%3D";
    String se = "se=1767225600";
    String skn = "skn=registration";
    return Stream.of(
        String.join("&", sr, sig, se, skn), // C, Java, C#, Python
        String.join("&", sr, sig, skn, se), // Node, symmetric key
        String.join("&", sig, se, skn, sr)); // the docs
  }

  @ParameterizedTest
  @MethodSource("parameterOrders")
  void parametersMayComeInAnyOrder(String parameters) throws Exception {
    assertTrue(ParsedSasToken.parse("SharedAccessSignature " + parameters).isSignedWith(KEY));
  }

  @Test
  void keyNameMayBeEmptyOrAbsent() throws Exception {
    String base =
        "SharedAccessSignature sr=0ne00ABCDEF/registrations/my-device-01"
            + "&sig=4tA1KvdktEQ7bmnlwkFOOQOd4QeB5gphDBc8pR%2FLKOE%3D&se=1767225600";

    assertEquals(Optional.of(""), ParsedSasToken.parse(base + "&skn=").keyName());
    assertEquals(Optional.empty(), ParsedSasToken.parse(base).keyName());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Bearer abc",
        "SharedAccessSignature ",
        "SharedAccessSignature sig=AAAA&se=1",
        "SharedAccessSignature sr=a%2Fb&se=1",
        "SharedAccessSignature sr=a%2Fb&sig=AAAA",
        "SharedAccessSignature sr=a%2Fb&sig=AAAA&se=soon",
        "SharedAccessSignature sr=a%2Fb&sig=AAAA&se=-1",
        "SharedAccessSignature sr=a%2Fb&sig=not*base64&se=1",
        "SharedAccessSignature sr=a%2&sig=AAAA&se=1",
        "SharedAccessSignature sr=a&sr=b&sig=AAAA&se=1",
        "SharedAccessSignature sr=a&sig=AAAA&se=1&",
        "SharedAccessSignature sr=a&sig=AAAA&se=1&skn=%zz",
      })
  void rejectsMalformedTokens(String value) {
    assertThrows(InvalidSasTokenException.class, () -> ParsedSasToken.parse(value));
  }

  @Test
  void neverShowsTheSignature() throws Exception {
    String sig = "4tA1KvdktEQ7bmnlwkFOOQOd4QeB5gphDBc8pR%2FLKOE%3D";
    ParsedSasToken token =
        ParsedSasToken.parse(
            "SharedAccessSignature sr=0ne00ABCDEF/registrations/x&sig=" + sig + "&se=1");

    assertFalse(token.toString().contains("4tA1"));
  }
}
