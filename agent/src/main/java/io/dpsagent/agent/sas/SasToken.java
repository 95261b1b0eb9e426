package io.dpsagent.agent.sas;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Builds {@code SharedAccessSignature} tokens as DPS and IoT Hub expect them.
 *
 * <p>The resource is percent-encoded (RFC 3986) with upper-case hex and the signature is computed
 * over exactly that encoded form, the variant most SDKs send. The key stays inside the {@link
 * SasSigner}; the token itself is a credential and must be treated like one (never logged).
 */
public final class SasToken {

  /** The key name DPS expects for device registration tokens. */
  public static final String DPS_KEY_NAME = "registration";

  private SasToken() {}

  /** A DPS registration token for {@code {idScope}/registrations/{registrationId}}. */
  public static String forDpsRegistration(
      String idScope, String registrationId, SasSigner signer, Instant expiry) throws HsmException {
    return build(idScope + "/registrations/" + registrationId, signer, expiry, DPS_KEY_NAME);
  }

  /**
   * A token for any resource URI.
   *
   * @param keyName the {@code skn} value, or {@code null} to leave it out (device-scoped hub
   *     tokens)
   */
  public static String build(String resource, SasSigner signer, Instant expiry, String keyName)
      throws HsmException {
    String sr = PercentEncoding.encode(resource);
    long se = expiry.getEpochSecond();
    byte[] mac = signer.sign((sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
    StringBuilder token =
        new StringBuilder("SharedAccessSignature sr=")
            .append(sr)
            .append("&sig=")
            .append(PercentEncoding.encode(Base64.getEncoder().encodeToString(mac)))
            .append("&se=")
            .append(se);
    if (keyName != null) {
      token.append("&skn=").append(PercentEncoding.encode(keyName));
    }
    return token.toString();
  }
}
