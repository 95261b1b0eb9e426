package io.dpsagent.hsm.software;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.SecretKeyAccess;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SoftwareSymmetricKeyTest {

  private static final SecretKeyAccess ACCESS = InsecureSecretKeyAccess.get();
  // Test vectors of the protocol reference (keys are the bytes 0..31 and 0..63).
  private static final String KEY_0_31 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String KEY_0_63 =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

  @Test
  void signsTheDpsTestVector() {
    byte[] mac =
        SoftwareSymmetricKey.ofBase64(KEY_0_31)
            .sign(
                "0ne00ABCDEF%2Fregistrations%2Fmy-device-01\n1767225600"
                    .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "3vMXV/3q4Wm+WqSW3Y+etjCUSumorYD00MMtYpFIzzw=", Base64.getEncoder().encodeToString(mac));
  }

  @Test
  void derivesTheGroupKeyTestVector() throws Exception {
    SoftwareSymmetricKey derived =
        SoftwareSymmetricKey.deriveFromGroupKey(
            SoftwareSymmetricKey.ofBase64(KEY_0_63), "my-device-01");
    assertEquals("bf2Swwo3vkLIGksxx8gesUTRM/BeVGtLjHRYev98Q+s=", derived.exportBase64(ACCESS));
  }

  @Test
  void derivationHashesTheRegistrationIdExactlyAsGiven() throws Exception {
    SoftwareSymmetricKey group = SoftwareSymmetricKey.ofBase64(KEY_0_63);
    assertFalse(
        SoftwareSymmetricKey.deriveFromGroupKey(group, "My-Device-01")
            .exportBase64(ACCESS)
            .equals(
                SoftwareSymmetricKey.deriveFromGroupKey(group, "my-device-01")
                    .exportBase64(ACCESS)));
  }

  @Test
  void rejectsTextThatIsNotBase64WithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SoftwareSymmetricKey.ofBase64("not*base64!secret"));
    assertEquals("symmetric key is not valid base64", e.getMessage());
  }

  @Test
  void rejectsAnEmptyKey() {
    assertThrows(IllegalArgumentException.class, () -> SoftwareSymmetricKey.ofBase64(""));
  }

  @Test
  void exportNeedsTheAccessToken() {
    SoftwareSymmetricKey key = SoftwareSymmetricKey.ofBase64(KEY_0_31);
    NullPointerException e = assertThrows(NullPointerException.class, () -> key.exportBase64(null));
    assertEquals(
        "SecretKeyAccess is required to read a raw key; pass InsecureSecretKeyAccess.get()",
        e.getMessage());
    assertEquals(KEY_0_31, key.exportBase64(ACCESS));
  }

  @Test
  void neverShowsTheKeyInToString() {
    SoftwareSymmetricKey key = SoftwareSymmetricKey.ofBase64(KEY_0_31);
    assertFalse(key.toString().contains(KEY_0_31));
    assertEquals("SoftwareSymmetricKey[HMAC-SHA256, redacted]", key.toString());
  }

  @Test
  void ofBytesCopiesTheCallersArray() {
    byte[] raw = Base64.getDecoder().decode(KEY_0_31);
    SoftwareSymmetricKey key = SoftwareSymmetricKey.ofBytes(raw);
    java.util.Arrays.fill(raw, (byte) 0);
    assertArrayEquals(
        Base64.getDecoder().decode(KEY_0_31), Base64.getDecoder().decode(key.exportBase64(ACCESS)));
  }
}
