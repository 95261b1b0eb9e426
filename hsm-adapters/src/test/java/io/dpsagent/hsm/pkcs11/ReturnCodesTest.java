package io.dpsagent.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which PKCS#11 return value a failure names, for messages without Java class names. */
class ReturnCodesTest {

  @Test
  void theReturnValueIsFoundInACauseDeepInTheChain() {
    Exception chain =
        new ProviderException(
            "login failed",
            new GeneralSecurityException(
                "token error", new IllegalStateException("CKR_ATTRIBUTE_VALUE_INVALID")));

    assertEquals(Optional.of("CKR_ATTRIBUTE_VALUE_INVALID"), ReturnCodes.of(chain));
  }

  @Test
  void theFirstReturnValueNamedWins() {
    Exception chain =
        new ProviderException(
            "C_Login: CKR_GENERAL_ERROR", new IllegalStateException("CKR_DEVICE_ERROR"));

    assertEquals(Optional.of("CKR_GENERAL_ERROR"), ReturnCodes.of(chain));
  }

  @Test
  void aChainNamingNoneGivesNothing() {
    assertEquals(
        Optional.empty(),
        ReturnCodes.of(new ProviderException("no code here", new IllegalStateException())));
  }
}
