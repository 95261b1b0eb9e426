package io.dpsagent.emulator.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulator's blob against a real TPM 2.0 stack (swtpm + tpm2-tools), doing exactly what DPS
 * clients do: ActivateCredential with the EK, Import and Load under the SRK, then HMAC inside the
 * TPM, which must equal HMAC-SHA256 with the key the emulator put in the blob.
 */
class ActivationBlobBuilderSwtpmTest {

  private static final byte[] SAS_STRING_TO_SIGN =
      "0ne00ABCDEF%2fregistrations%2fmy-device-01\n1767225600".getBytes(StandardCharsets.UTF_8);

  private static Tpm2Tools tpm;
  private static TpmPublic ek;
  private static TpmPublic srk;
  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void startTpm() throws Exception {
    tpm = Tpm2Tools.start();
    tpm.createEndorsementAndStorageRootKeys();
    ek = TpmPublic.parse(tpm.readPublic("0x81010001"));
    srk = TpmPublic.parse(tpm.readPublic("0x81000001"));
  }

  @AfterAll
  static void stopTpm() throws Exception {
    if (tpm != null) {
      tpm.close();
    }
  }

  @Test
  void theTpmSignsWithTheKeyInTheBlob() throws Exception {
    byte[] key = randomKey();
    tpm.importActivationBlob(new ActivationBlobBuilder().build(ek, srk, key));
    assertEquals(16, tpm.lastInnerKey().length);
    assertArrayEquals(TpmCrypto.hmacSha256(key, SAS_STRING_TO_SIGN), tpm.hmac(SAS_STRING_TO_SIGN));
  }

  @Test
  void aSecondBlobReplacesTheFirstKey() throws Exception {
    byte[] first = randomKey();
    byte[] second = randomKey();
    tpm.importActivationBlob(new ActivationBlobBuilder().build(ek, srk, first));
    tpm.importActivationBlob(new ActivationBlobBuilder().build(ek, srk, second));
    assertArrayEquals(
        TpmCrypto.hmacSha256(second, SAS_STRING_TO_SIGN), tpm.hmac(SAS_STRING_TO_SIGN));
  }

  @Test
  void aBlobForAnotherEndorsementKeyCannotBeActivated() throws Exception {
    TpmPublic otherEk = TpmPublic.parse(TestTpmKeys.ekPublic(TestTpmKeys.rsa2048()));
    byte[] blob = new ActivationBlobBuilder().build(otherEk, srk, randomKey());
    IOException e = assertThrows(IOException.class, () -> tpm.importActivationBlob(blob));
    assertTrue(e.getMessage().startsWith("tpm2_activatecredential"), e.getMessage());
    tpm.tpm2("tpm2_flushcontext", "-s");
  }

  @Test
  void aTamperedDuplicateIsRefusedByImport() throws Exception {
    byte[] blob = new ActivationBlobBuilder().build(ek, srk, randomKey());
    List<byte[]> items = BlobItems.split(blob);
    int inDuplicate = items.get(0).length + items.get(1).length + 40;
    blob[inDuplicate] ^= 0x01;
    IOException e = assertThrows(IOException.class, () -> tpm.importActivationBlob(blob));
    assertTrue(e.getMessage().startsWith("tpm2_import"), e.getMessage());
  }

  private byte[] randomKey() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }
}
