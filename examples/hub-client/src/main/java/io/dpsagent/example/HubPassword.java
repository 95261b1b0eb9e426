package io.dpsagent.example;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Where the device's MQTT password (an IoT Hub SAS token) comes from. */
public interface HubPassword {

  /** A token and the moment it stops being accepted. */
  record Token(String value, Instant expiry) {
    @Override
    public String toString() {
      return "Token[expires " + expiry + "]"; // the signature is a credential
    }
  }

  /** A token valid now. */
  Token current() throws IOException;

  /**
   * Tokens signed here with the device key from {@code connection-string}, for software keys.
   *
   * @param ttl how long each token is valid
   */
  static HubPassword signedWith(
      String hubHostName, String deviceId, String keyBase64, Duration ttl) {
    byte[] key = Base64.getDecoder().decode(keyBase64);
    return () -> {
      Instant expiry = Instant.now().plus(ttl);
      String resource = encode(hubHostName + "/devices/" + deviceId);
      String toSign = resource + "\n" + expiry.getEpochSecond();
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature =
            Base64.getEncoder()
                .encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        return new Token(
            "SharedAccessSignature sr="
                + resource
                + "&sig="
                + encode(signature)
                + "&se="
                + expiry.getEpochSecond(),
            expiry);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot sign a SAS token: " + e.getMessage(), e);
      }
    };
  }

  /**
   * The token the agent's daemon keeps fresh in its token file ({@code /run/dps-agent/hub-token}),
   * for keys that never leave a TPM or HSM. Read anew on every connect, so a renewed token is used.
   */
  static HubPassword fromTokenFile(Path file) {
    return () -> {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      return new Token(value, expiryOf(value));
    };
  }

  /** The {@code se} (expiry, epoch seconds) of a SAS token. */
  static Instant expiryOf(String token) throws IOException {
    for (String part : token.substring(token.indexOf(' ') + 1).split("&")) {
      if (part.startsWith("se=")) {
        try {
          return Instant.ofEpochSecond(
              Long.parseLong(URLDecoder.decode(part.substring(3), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IOException("the hub token has no expiry (se=)");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
