package io.dpsagent.emulator;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds SAS tokens the way a well-behaved device does, for tests. Its HMAC is plain {@code
 * javax.crypto}, apart from the emulator's {@code HmacKey}, so that the device side of a test does
 * not share the verifier's code.
 */
public final class TestTokens {

  /** Bytes 0..31, the device key of the protocol notes' test vectors. */
  public static final String VECTOR_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  /** Bytes 0..63, the group key of the protocol notes' test vectors. */
  public static final String VECTOR_GROUP_KEY =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

  /** Bytes 32..63, a second valid key. */
  public static final String OTHER_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

  private TestTokens() {}

  /** base64(HMAC-SHA256(key, signedResource + "\n" + expiry)). */
  public static String signature(String keyBase64, String signedResource, long expiry) {
    byte[] data = (signedResource + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
    return Base64.getEncoder().encodeToString(hmacSha256(keyBase64, data));
  }

  /** A token over the upper-hex encoded resource, skn=registration (what our own client sends). */
  public static String token(String keyBase64, String idScope, String registrationId, long expiry) {
    String sr = PercentEncoding.encode(idScope + "/registrations/" + registrationId, HexCase.UPPER);
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + PercentEncoding.encode(signature(keyBase64, sr, expiry), HexCase.UPPER)
        + "&se="
        + expiry
        + "&skn=registration";
  }

  /** A token valid for an hour from now. */
  public static String token(String keyBase64, String idScope, String registrationId) {
    return token(keyBase64, idScope, registrationId, Instant.now().getEpochSecond() + 3600);
  }

  /** base64(HMAC-SHA256(groupKey, UTF-8(registrationId))): the key a group member holds. */
  public static String deriveDeviceKey(String groupKeyBase64, String registrationId) {
    byte[] id = registrationId.getBytes(StandardCharsets.UTF_8);
    return Base64.getEncoder().encodeToString(hmacSha256(groupKeyBase64, id));
  }

  private static byte[] hmacSha256(String keyBase64, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(keyBase64), "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
