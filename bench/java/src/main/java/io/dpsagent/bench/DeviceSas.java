package io.dpsagent.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SAS token a symmetric-key device of an enrollment group signs its DPS requests with: its key
 * is derived from the group key and its registration id, as the device SDKs derive it.
 */
final class DeviceSas {

  private DeviceSas() {}

  /** {@code SharedAccessSignature sr=…&sig=…&se=…&skn=registration}, valid until {@code expiry}. */
  static String token(byte[] groupKey, String idScope, String registrationId, long expiry) {
    try {
      byte[] deviceKey = hmac(groupKey, registrationId);
      String resource =
          URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8);
      String signature =
          Base64.getEncoder().encodeToString(hmac(deviceKey, resource + "\n" + expiry));
      return "SharedAccessSignature sr="
          + resource
          + "&sig="
          + URLEncoder.encode(signature, StandardCharsets.UTF_8)
          + "&se="
          + expiry
          + "&skn=registration";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  // A device key is base64(HMAC(groupKey, id)) and signs as its decoded bytes: the raw HMAC here.
  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
