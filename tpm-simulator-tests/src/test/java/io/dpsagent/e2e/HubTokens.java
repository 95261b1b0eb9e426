package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Hub SAS tokens as the tests read them: {@code SharedAccessSignature sr=…&sig=…&se=…}. */
final class HubTokens {

  /** What computes a signature from the signed text, with the key the test expects. */
  @FunctionalInterface
  interface Signature {
    byte[] of(byte[] text) throws Exception;
  }

  private HubTokens() {}

  /** The token's fields, still percent-encoded. */
  static Map<String, String> fields(String token) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : token.strip().substring("SharedAccessSignature ".length()).split("&")) {
      fields.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return fields;
  }

  /**
   * Checks that {@code token} names {@code record}'s device on its hub and is signed as {@code
   * expected} signs; returns the signature as the token carries it.
   */
  static String assertSigned(String token, RegistrationRecord record, Signature expected)
      throws Exception {
    Map<String, String> fields = fields(token);
    assertEquals(
        PercentEncoding.encode(record.assignedHub() + "/devices/" + record.deviceId()),
        fields.get("sr"));
    byte[] signature =
        expected.of((fields.get("sr") + "\n" + fields.get("se")).getBytes(StandardCharsets.UTF_8));
    assertEquals(
        Base64.getEncoder().encodeToString(signature),
        URLDecoder.decode(fields.get("sig"), StandardCharsets.UTF_8));
    return fields.get("sig");
  }
}
