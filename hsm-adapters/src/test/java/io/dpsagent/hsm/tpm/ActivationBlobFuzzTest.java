package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.testing.Fuzz;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: the TPM activation blob DPS sends ({@code authenticationKey}). Seeds are real blobs
 * built for a swtpm's EK and SRK. Property: {@link ActivationBlob#parse} returns or throws {@link
 * HsmException} with a printable one-line message, within the per-input bound.
 */
class ActivationBlobFuzzTest {

  private static final List<byte[]> SEEDS =
      Fuzz.seeds(ActivationBlobFuzzTest.class, "activation-blob");

  @Example
  void everySeedIsAWellFormedBlob() throws HsmException {
    for (byte[] seed : SEEDS) {
      assertEquals(
          TpmConnection.name(tss.tpm.TPM_ALG_ID.KEYEDHASH),
          TpmConnection.name(ActivationBlob.parse(seed).identityKey().type()));
    }
  }

  @Property
  void mutatedBlobsParseOrFailWithHsmException(@ForAll("blobs") byte[] blob) {
    check(blob);
  }

  /** Keeps the six length prefixes right and mutates what is inside, mostly the TPMT_PUBLIC. */
  @Property
  void wellFramedBlobsWithHostilePartsParseOrFailWithHsmException(
      @ForAll("framedBlobs") byte[] blob) {
    check(blob);
  }

  private static void check(byte[] blob) {
    Fuzz.Outcome<ActivationBlob> outcome =
        Fuzz.bounded(() -> ActivationBlob.parse(blob)).allowOnly(HsmException.class);
    if (outcome.failed()) {
      Fuzz.assertPrintableLine(outcome.failure().getMessage());
    }
  }

  @Provide
  Arbitrary<byte[]> blobs() {
    return Fuzz.mutationsOf(SEEDS);
  }

  @Provide
  Arbitrary<byte[]> framedBlobs() {
    List<byte[][]> split = SEEDS.stream().map(ActivationBlobFuzzTest::parts).toList();
    Arbitrary<byte[]> publics = Fuzz.mutationsOf(split.stream().map(p -> p[4]).toList());
    Arbitrary<byte[]> idObjects = Fuzz.mutationsOf(split.stream().map(p -> p[0]).toList());
    return Arbitraries.of(split)
        .flatMap(
            parts ->
                Arbitraries.oneOf(
                    publics.map(pub -> frame(parts, 4, pub)),
                    idObjects.map(id -> frame(parts, 0, id))));
  }

  private static byte[][] parts(byte[] blob) {
    byte[][] parts = new byte[6][];
    int offset = 0;
    for (int i = 0; i < 6; i++) {
      int size = ((blob[offset] & 0xff) << 8) | (blob[offset + 1] & 0xff);
      parts[i] = Arrays.copyOfRange(blob, offset + 2, offset + 2 + size);
      offset += 2 + size;
    }
    return parts;
  }

  private static byte[] frame(byte[][] parts, int replaced, byte[] replacement) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < parts.length; i++) {
      byte[] part =
          i == replaced
              ? Arrays.copyOf(replacement, Math.min(replacement.length, 0xffff))
              : parts[i];
      out.write(part.length >> 8);
      out.write(part.length);
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
