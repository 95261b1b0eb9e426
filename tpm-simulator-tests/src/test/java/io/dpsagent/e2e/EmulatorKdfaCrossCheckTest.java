package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dpsagent.emulator.tpm.TpmCrypto;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import tss.Crypto;
import tss.tpm.TPM_ALG_ID;

/**
 * The emulator's KDFa against TSS.Java's, an independent implementation. It lives here because the
 * emulator's own tests must not depend on the device side's TPM stack (EmulatorIndependenceTest).
 */
class EmulatorKdfaCrossCheckTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b1c1d1e1f");

  @Test
  void kdfaMatchesTheTssImplementation() {
    byte[] name = HEX.parseHex("000b" + "ab".repeat(32));
    for (int bits : new int[] {128, 256, 264, 512, 1032}) {
      assertArrayEquals(
          Crypto.KDFa(TPM_ALG_ID.SHA256, SEED, "STORAGE", name, new byte[0], bits),
          TpmCrypto.kdfa(SEED, "STORAGE", name, new byte[0], bits),
          "bits=" + bits);
    }
    assertArrayEquals(
        Crypto.KDFa(TPM_ALG_ID.SHA256, SEED, "INTEGRITY", new byte[0], new byte[0], 256),
        TpmCrypto.kdfa(SEED, "INTEGRITY", new byte[0], new byte[0], 256));
  }
}
