package io.dpsagent.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.testing.SoftHsm;
import org.junit.jupiter.api.Test;

/**
 * A wrong PIN. This class has a token of its own that nobody logged in to: PKCS#11 login is per
 * process and token, and once logged in, SunPKCS11 does not present a PIN again.
 */
class Pkcs11WrongPinTest {

  private final SoftHsm.Token softHsm = SoftHsm.newToken();

  @Test
  void aWrongPinIsTriedExactlyOnceAndTheTokenStaysUsable() throws Exception {
    String wrongPin =
        (softHsm.userPin().charAt(0) == '1' ? "2" : "1") + softHsm.userPin().substring(1);
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("", Pkcs11Spy.MODULE, "pin-value=" + wrongPin));
    long loginsBefore = Pkcs11Spy.logins();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(uri, null));

    assertEquals(1, Pkcs11Spy.logins() - loginsBefore, "C_Login calls");
    assertEquals(Pkcs11Exception.Kind.WRONG_PIN, e.pkcs11Kind());
    assertEquals(
        "token '"
            + softHsm.label()
            + "' refused the PIN of pkcs11:token="
            + softHsm.label()
            + "?module-path="
            + Pkcs11Spy.MODULE
            + "&pin-value=*** (one attempt, not retried)",
        e.getMessage());
    assertFalse(e.getMessage().contains(wrongPin));
    TokenInfo after =
        Pkcs11Module.tokens(SoftHsm.MODULE).stream()
            .filter(t -> t.label().equals(softHsm.label()))
            .findFirst()
            .orElseThrow();
    assertTrue(after.userPinCountLow(), "the token counted the wrong PIN");
    assertFalse(after.userPinLocked());
    Pkcs11Token.open(Pkcs11Uri.parse(softHsm.uri("")), null); // the right PIN still works
  }
}
