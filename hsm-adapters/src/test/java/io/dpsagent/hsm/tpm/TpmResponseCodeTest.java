package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TpmResponseCodeTest {

  @Test
  void formatOneCodesNameTheirHandleSessionOrParameter() {
    assertShown(0x98E, "TPM_RC_AUTH_FAIL (0x98E, session 1)");
    assertShown(0x18B, "TPM_RC_HANDLE (0x18B, handle 1)");
    assertShown(0x1DF, "TPM_RC_INTEGRITY (0x1DF, parameter 1)");
    assertShown(0x0A5, "TPM_RC_BINDING (0x0A5)");
    assertEquals(TpmResponseCode.HANDLE, new TpmResponseCode(0x28B).base());
  }

  @Test
  void formatZeroAndWarningCodes() {
    assertShown(0x100, "TPM_RC_INITIALIZE (0x100)");
    assertShown(0x902, "TPM_RC_OBJECT_MEMORY (0x902)");
    assertShown(0x921, "TPM_RC_LOCKOUT (0x921)");
    assertShown(0x17E, "TPM_RC_0x17E (0x17E)");
    assertShown(0xB0005, "TSS_RC_0x000B0005 (layer 11) (0xB0005)");
  }

  @Test
  void categoriesDriveTheOperatorHints() {
    assertCategory(0x921, TpmResponseCode.Category.LOCKOUT);
    assertCategory(0x922, TpmResponseCode.Category.BUSY);
    assertCategory(0x908, TpmResponseCode.Category.BUSY);
    assertCategory(0x90A, TpmResponseCode.Category.BUSY);
    assertCategory(0x18B, TpmResponseCode.Category.HANDLE);
    assertCategory(0x98E, TpmResponseCode.Category.AUTH);
    assertCategory(0x9A2, TpmResponseCode.Category.AUTH);
    assertCategory(0x902, TpmResponseCode.Category.MEMORY);
    assertCategory(0x0A5, TpmResponseCode.Category.INTEGRITY);
    assertCategory(0x084, TpmResponseCode.Category.OTHER);
    assertEquals(
        "TPM Load failed: TPM_RC_OBJECT_MEMORY (0x902): the TPM has no free object or"
            + " session slot; objects left loaded by other programs fill it (tpm2_flushcontext -t / -s"
            + " frees them, a resource manager such as /dev/tpmrm0 avoids it)",
        failure("Load", 0x902));
    assertEquals(
        "TPM HMAC failed: TPM_RC_LOCKOUT (0x921): the TPM is in dictionary-attack lockout"
            + " after failed authorizations; wait for the lockout interval or reset it with the"
            + " lockout authorization",
        failure("HMAC", 0x921));
    assertEquals(
        "TPM HMAC failed: TPM_RC_RETRY (0x922): the TPM is busy; try again shortly",
        failure("HMAC", 0x922));
    assertEquals("TPM X failed: TPM_RC_VALUE (0x2C4, parameter 2)", failure("X", 0x2C4));
  }

  private static void assertShown(int raw, String shown) {
    assertEquals(shown, new TpmResponseCode(raw).toString());
  }

  /** The message of a TPM command {@code command} failing with {@code raw}. */
  private static String failure(String command, int raw) {
    return new TpmException(command, new TpmResponseCode(raw)).getMessage();
  }

  private static void assertCategory(int raw, TpmResponseCode.Category category) {
    assertEquals(category, new TpmResponseCode(raw).category(), Integer.toHexString(raw));
  }
}
