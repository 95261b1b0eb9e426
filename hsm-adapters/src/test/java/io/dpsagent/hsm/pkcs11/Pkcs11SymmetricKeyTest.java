package io.dpsagent.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import io.dpsagent.hsm.testing.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class Pkcs11SymmetricKeyTest {

  private static final byte[] SAS_INPUT =
      "0ne00ABCDEF%2Fregistrations%2Fmy-device-01\n1767225600".getBytes(StandardCharsets.UTF_8);

  private static final SoftHsm.Token softHsm = SoftHsm.newToken();
  private static Pkcs11Token token = softHsm.open();

  private static Pkcs11FactorySteps factory() {
    return new Pkcs11FactorySteps(token);
  }

  @Test
  void hmacInTheTokenMatchesTheProtocolVectorAndJavaxCrypto() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=device-key;type=secret-key"));
    byte[] keyBytes = bytes(32);
    factory().importSecretKey(uri, keyBytes);
    assertArrayEquals(new byte[32], keyBytes, "the caller's key bytes are wiped");
    assertHidden("device-key");

    SasSigner signer = token.sasSigner(uri);
    byte[] mac = signer.sign(SAS_INPUT);

    assertEquals(
        "3vMXV/3q4Wm+WqSW3Y+etjCUSumorYD00MMtYpFIzzw=", Base64.getEncoder().encodeToString(mac));
    Mac reference = Mac.getInstance("HmacSHA256");
    reference.init(new SecretKeySpec(bytes(32), "HmacSHA256"));
    assertArrayEquals(reference.doFinal(SAS_INPUT), mac);
    assertHidden("device-key");
    assertEquals("Pkcs11SasSigner[" + uri + "]", signer.toString());
  }

  @Test
  void aGroupKeyInTheTokenDerivesTheDeviceKey() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=group-key"));
    factory().importSecretKey(uri, bytes(64));
    assertHidden("group-key");

    SoftwareSymmetricKey device =
        SoftwareSymmetricKey.deriveFromGroupKey(token.sasSigner(uri), "my-device-01");

    assertEquals(
        "bf2Swwo3vkLIGksxx8gesUTRM/BeVGtLjHRYev98Q+s=",
        device.exportBase64(InsecureSecretKeyAccess.get()));
    assertHidden("group-key");
  }

  @Test
  void aKeyIsStoredOnceAndTheBytesAreWipedEvenWhenRefused() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=once"));
    factory().importSecretKey(uri, bytes(32));
    byte[] again = bytes(32);
    Pkcs11Exception e =
        assertThrows(Pkcs11Exception.class, () -> factory().importSecretKey(uri, again));
    assertEquals(Pkcs11Exception.Kind.OBJECT_EXISTS, e.pkcs11Kind());
    assertEquals(
        "token '"
            + softHsm.label()
            + "' already holds once ("
            + uri
            + "); delete it first or choose another label",
        e.getMessage());
    assertArrayEquals(new byte[32], again);
  }

  @Test
  void aMissingKeyIsNamedWithItsUri() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=nothing-here"));
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> token.sasSigner(uri));
    assertEquals(Pkcs11Exception.Kind.OBJECT_NOT_FOUND, e.pkcs11Kind());
    assertEquals("token '" + softHsm.label() + "' has no secret key " + uri, e.getMessage());
  }

  @Test
  void aKeyGeneratedByPkcs11ToolAsSensitiveIsUsable() throws Exception {
    SoftHsm.Result made =
        softHsm.pkcs11Tool(
            "--keygen",
            "--key-type",
            "GENERIC:32",
            "--label",
            "tool-key",
            "--id",
            "10",
            "--sensitive");
    assertEquals(0, made.exitCode(), made.output());
    token = softHsm.open(); // objects made elsewhere appear on reload

    byte[] mac = token.sasSigner(Pkcs11Uri.parse(softHsm.uri("object=tool-key"))).sign(SAS_INPUT);

    assertEquals(32, mac.length);
    assertHidden("tool-key");
  }

  @Test
  void aKeyWhoseValueCanBeReadIsRefused() throws Exception {
    SoftHsm.Result made =
        softHsm.pkcs11Tool(
            "--keygen", "--key-type", "GENERIC:32", "--label", "readable", "--extractable");
    assertEquals(0, made.exitCode(), made.output());
    token = softHsm.open();
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=readable"));

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> token.sasSigner(uri));

    assertEquals(Pkcs11Exception.Kind.OBJECT_UNFIT, e.pkcs11Kind());
    assertEquals(
        "key "
            + uri
            + " can be read out of the token (CKA_SENSITIVE false and CKA_EXTRACTABLE true);"
            + " create it again as sensitive",
        e.getMessage());
  }

  @Test
  void aPrivateKeyUriIsNotASasKey() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=device-key;type=private"));
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> token.sasSigner(uri));
    assertEquals(Pkcs11Exception.Kind.OBJECT_UNFIT, e.pkcs11Kind());
    assertEquals(uri + " names a private object; this needs type=secret-key", e.getMessage());
  }

  /** The value is unreadable through SunPKCS11 and through the PKCS#11 API (pkcs11-tool). */
  private static void assertHidden(String label) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS11", token.provider());
    store.load(null, softHsm.userPin().toCharArray());
    Key key = store.getKey(label, null);
    assertNull(key.getEncoded());
    assertTrue(TokenObjects.isValueHidden(key));
    assertTrue(key.toString().contains("token object, sensitive, unextractable"), key.toString());
    SoftHsm.Result read =
        softHsm.pkcs11Tool("--read-object", "--type", "secrkey", "--label", label);
    assertNotEquals(0, read.exitCode(), read.output());
    assertTrue(read.output().contains("get CKA_VALUE failed"), read.output());
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }
}
