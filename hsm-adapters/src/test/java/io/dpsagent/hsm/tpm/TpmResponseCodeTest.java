package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TpmResponseCodeTest {

  @Test
  void formatOneCodesNameTheirHandleSessionOrParameter() {
    assertEquals("TPM_RC_AUTH_FAIL (0x98E, session 1)", new TpmResponseCode(0x98E).toString());
    assertEquals("TPM_RC_HANDLE (0x18B, handle 1)", new TpmResponseCode(0x18B).toString());
    assertEquals("TPM_RC_INTEGRITY (0x1DF, parameter 1)", new TpmResponseCode(0x1DF).toString());
    assertEquals("TPM_RC_BINDING (0x0A5)", new TpmResponseCode(0x0A5).toString());
    assertEquals(TpmResponseCode.HANDLE, new TpmResponseCode(0x28B).base());
  }

  @Test
  void formatZeroAndWarningCodes() {
    assertEquals("TPM_RC_INITIALIZE (0x100)", new TpmResponseCode(0x100).toString());
    assertEquals("TPM_RC_OBJECT_MEMORY (0x902)", new TpmResponseCode(0x902).toString());
    assertEquals("TPM_RC_LOCKOUT (0x921)", new TpmResponseCode(0x921).toString());
    assertEquals("TPM_RC_0x17E (0x17E)", new TpmResponseCode(0x17E).toString());
    assertEquals("TSS_RC_0x000B0005 (layer 11) (0xB0005)", new TpmResponseCode(0xB0005).toString());
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
        new TpmException("Load", new TpmResponseCode(0x902)).getMessage());
    assertEquals(
        "TPM HMAC failed: TPM_RC_LOCKOUT (0x921): the TPM is in dictionary-attack lockout"
            + " after failed authorizations; wait for the lockout interval or reset it with the"
            + " lockout authorization",
        new TpmException("HMAC", new TpmResponseCode(0x921)).getMessage());
    assertEquals(
        "TPM HMAC failed: TPM_RC_RETRY (0x922): the TPM is busy; try again shortly",
        new TpmException("HMAC", new TpmResponseCode(0x922)).getMessage());
    assertEquals(
        "TPM X failed: TPM_RC_VALUE (0x2C4, parameter 2)",
        new TpmException("X", new TpmResponseCode(0x2C4)).getMessage());
  }

  private static void assertCategory(int raw, TpmResponseCode.Category category) {
    assertEquals(category, new TpmResponseCode(raw).category(), Integer.toHexString(raw));
  }
}
