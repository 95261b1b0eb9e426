package io.dpsagent.emulator.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TpmPublicTest {

  private static final KeyPair KEYS = TestTpmKeys.rsa2048();
  private static final byte[] EK = TestTpmKeys.ekPublic(KEYS);
  private static final byte[] MODULUS = Arrays.copyOfRange(EK, EK.length - 256, EK.length);

  @Test
  void parsesAnRsaEndorsementKey() throws InvalidTpmPublicException {
    TpmPublic parsed = TpmPublic.parse(EK);
    RSAPublicKey expected = (RSAPublicKey) KEYS.getPublic();
    assertEquals(expected.getModulus(), parsed.rsaKey().getModulus());
    assertEquals(BigInteger.valueOf(65537), parsed.rsaKey().getPublicExponent());
    assertArrayEquals(EK, parsed.marshalled());
    assertArrayEquals(Arrays.copyOfRange(EK, 2, EK.length), parsed.publicArea());
    assertEquals(314, parsed.publicArea().length);
    assertTrue(parsed.hasBytes(EK.clone()));
  }

  @Test
  void nameIsShaAlgorithmThenDigestOfThePublicArea() throws InvalidTpmPublicException {
    byte[] name = TpmPublic.parse(EK).name();
    assertEquals(34, name.length);
    assertEquals(0x00, name[0]);
    assertEquals(0x0B, name[1]);
    assertArrayEquals(
        TpmCrypto.sha256(Arrays.copyOfRange(EK, 2, EK.length)), Arrays.copyOfRange(name, 2, 34));
  }

  @Test
  void refusesWhatIsNotAnRsa2048Public() {
    assertRefused(new byte[0], "truncated TPMT_PUBLIC");
    assertRefused(
        Arrays.copyOf(EK, EK.length - 1), "the size prefix says 314 bytes but 313 follow");
    assertRefused(TpmWriter.tpm2b(Arrays.copyOfRange(EK, 2, 40)), "truncated TPMT_PUBLIC");
    assertRefused(
        TestTpmKeys.publicArea(0x0023, TpmAlgorithms.SHA256, 2048, MODULUS),
        "type must be RSA (0x0001) (got 0x0023)");
    assertRefused(
        TestTpmKeys.publicArea(TpmAlgorithms.RSA, 0x0004, 2048, MODULUS),
        "nameAlg must be SHA-256 (0x000B) (got 0x0004)");
    assertRefused(
        TestTpmKeys.publicArea(TpmAlgorithms.RSA, TpmAlgorithms.SHA256, 1024, MODULUS),
        "key size must be 2048 bits (got 0x0400)");
    assertRefused(
        TestTpmKeys.publicArea(
            TpmAlgorithms.RSA, TpmAlgorithms.SHA256, 2048, Arrays.copyOf(MODULUS, 128)),
        "the RSA modulus must be 256 bytes");
    assertRefused(
        TestTpmKeys.publicArea(TpmAlgorithms.RSA, TpmAlgorithms.SHA256, 2048, new byte[256]),
        "the RSA modulus is not a 2048-bit odd number");
    byte[] trailing =
        TpmWriter.tpm2b(TpmWriter.concat(Arrays.copyOfRange(EK, 2, EK.length), new byte[3]));
    assertRefused(trailing, "3 bytes follow the RSA modulus");
  }

  private static void assertRefused(byte[] bytes, String message) {
    InvalidTpmPublicException e =
        assertThrows(InvalidTpmPublicException.class, () -> TpmPublic.parse(bytes));
    assertEquals(message, e.getMessage());
  }
}
