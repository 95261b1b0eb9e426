package io.dpsagent.emulator;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Builds SAS tokens the way a well-behaved device does, for tests. */
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
    return Base64.getEncoder().encodeToString(SoftwareSymmetricKey.ofBase64(keyBase64).sign(data));
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

  public static String deriveDeviceKey(String groupKeyBase64, String registrationId) {
    try {
      return SoftwareSymmetricKey.deriveFromGroupKey(
              SoftwareSymmetricKey.ofBase64(groupKeyBase64), registrationId)
          .exportBase64();
    } catch (HsmException e) {
      throw new IllegalStateException(e);
    }
  }
}
