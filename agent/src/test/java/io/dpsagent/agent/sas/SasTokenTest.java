package io.dpsagent.agent.sas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SasTokenTest {

  private static final SoftwareSymmetricKey KEY =
      SoftwareSymmetricKey.ofBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

  @Test
  void signsTheUpperHexEncodedResourceAsInTheProtocolTestVector() throws Exception {
    String token =
        SasToken.forDpsRegistration(
            "0ne00ABCDEF", "my-device-01", KEY, Instant.ofEpochSecond(1767225600));
    // signature 3vMXV/3q4Wm+WqSW3Y+etjCUSumorYD00MMtYpFIzzw= URL-encoded
    assertEquals(
        "SharedAccessSignature sr=0ne00ABCDEF%2Fregistrations%2Fmy-device-01"
            + "&sig=3vMXV%2F3q4Wm%2BWqSW3Y%2BetjCUSumorYD00MMtYpFIzzw%3D&se=1767225600&skn=registration",
        token);
  }

  @Test
  void leavesOutTheKeyNameWhenNoneIsGiven() throws Exception {
    String token = SasToken.build("hub.example/devices/d1", KEY, Instant.ofEpochSecond(10), null);
    assertEquals(false, token.contains("skn="));
    assertEquals(
        true, token.startsWith("SharedAccessSignature sr=hub.example%2Fdevices%2Fd1&sig="));
  }
}
