package io.dpsagent.hsm.software;

import io.dpsagent.common.testing.Directories;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.testing.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz targets: the PEM and DER files of a software TLS identity and symmetric key files. Seeds are
 * real keys, chains and PKCS#12 bundles in every accepted encoding, made at run time ({@link
 * KeySeeds}). Property: loading returns or throws {@link HsmException} with a printable line that
 * never repeats the file's contents.
 */
class SoftwareTlsIdentityFuzzTest {

  private static final List<byte[]> KEYS = KeySeeds.keys();
  private static final List<byte[]> CHAINS = KeySeeds.chains();
  private static final List<byte[]> BUNDLES = KeySeeds.bundles();
  private static final List<byte[]> SYMMETRIC =
      Fuzz.seeds(SoftwareTlsIdentityFuzzTest.class, "symmetric-key");

  private static Path dir;
  private static Path goodChain;
  private static Path password;

  @BeforeContainer
  static void files() throws IOException {
    dir = Files.createTempDirectory("fuzz-identity");
    goodChain = write("good-chain.pem", CHAINS.get(0));
    password =
        write("p12.pass", (KeySeeds.PKCS12_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @AfterContainer
  static void removeFiles() throws IOException {
    Directories.deleteTree(dir);
  }

  @Example
  void theUnencryptedSeedKeysLoadWithTheSeedChain() throws Exception {
    SoftwareTlsIdentity.fromPem(goodChain, write("seed-ec-pkcs8.pem", KEYS.get(0)));
    SoftwareTlsIdentity.fromPem(goodChain, write("seed-ec-sec1.pem", KEYS.get(1)));
    SoftwareTlsIdentity.fromPkcs12(write("seed.p12", BUNDLES.get(0)), password);
    SoftwareTlsIdentity.fromPkcs12(write("seed-legacy.p12", BUNDLES.get(1)), password);
    HsmException encrypted =
        org.junit.jupiter.api.Assertions.assertThrows(
            HsmException.class,
            () -> SoftwareTlsIdentity.fromPem(goodChain, write("seed-encrypted.pem", KEYS.get(4))));
    org.junit.jupiter.api.Assertions.assertTrue(
        encrypted.getMessage().contains(" is encrypted; "), encrypted.getMessage());
  }

  @Property
  void privateKeyFilesLoadOrFailWithHsmException(@ForAll("keys") byte[] contents)
      throws IOException {
    check("key.pem", contents, key -> SoftwareTlsIdentity.fromPem(goodChain, key));
  }

  @Property
  void certificateChainsLoadOrFailWithHsmException(@ForAll("chains") byte[] contents)
      throws IOException {
    check("chain.pem", contents, SoftwareTlsIdentity::readChain);
  }

  @Property
  void pkcs12BundlesLoadOrFailWithHsmException(@ForAll("bundles") byte[] contents)
      throws IOException {
    check("bundle.p12", contents, bundle -> SoftwareTlsIdentity.fromPkcs12(bundle, password));
  }

  @Property
  void symmetricKeyFilesLoadOrFailWithHsmException(@ForAll("symmetricKeys") byte[] contents)
      throws IOException {
    check("device.key", contents, KeyFiles::readSymmetricKey);
  }

  /** How one target loads its file. */
  private interface Load {
    Object from(Path file) throws Exception;
  }

  /** Writes {@code contents} to {@code name}, loads it, and checks what a failure says. */
  private static void check(String name, byte[] contents, Load load) throws IOException {
    Path file = write(name, contents);
    Fuzz.Outcome<?> outcome = Fuzz.bounded(() -> load.from(file)).allowOnly(HsmException.class);
    if (outcome.failed()) {
      String message = outcome.failure().getMessage();
      Fuzz.assertPrintableLine(message);
      Fuzz.assertNoSecret(
          message, new String(contents, StandardCharsets.ISO_8859_1).replaceAll("\\s", ""), 12);
    }
  }

  private static Path write(String name, byte[] contents) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, contents);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Provide
  Arbitrary<byte[]> keys() {
    return Fuzz.mutationsOf(KEYS);
  }

  @Provide
  Arbitrary<byte[]> chains() {
    return Fuzz.mutationsOf(CHAINS);
  }

  @Provide
  Arbitrary<byte[]> bundles() {
    return Fuzz.mutationsOf(BUNDLES);
  }

  @Provide
  Arbitrary<byte[]> symmetricKeys() {
    return Fuzz.mutationsOf(SYMMETRIC);
  }
}
