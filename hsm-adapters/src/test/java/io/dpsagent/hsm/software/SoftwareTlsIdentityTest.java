package io.dpsagent.hsm.software;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SoftwareTlsIdentityTest {

  private static final TestPki.Issuer ROOT = TestPki.rootCa("Test Root");
  private static final TestPki.Issuer INTERMEDIATE = ROOT.intermediate("Test Intermediate");

  @TempDir Path dir;

  /** The identity in the test's {@code chain.pem} and {@code key.pem}. */
  private SoftwareTlsIdentity loadPem() throws HsmException {
    return SoftwareTlsIdentity.fromPem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
  }

  /** Why loading the test's {@code chain.pem} and {@code key.pem} fails. */
  private String pemRefusal() {
    return assertThrows(HsmException.class, this::loadPem).getMessage();
  }

  /** Writes an EC P-256 identity for {@code device-01} as the test's PEM files. */
  private void writeDevicePem() throws Exception {
    INTERMEDIATE
        .leaf("device-01", KeyType.EC_P256)
        .writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
  }

  /** Writes {@code password} to an owner-only {@code password} file. */
  private Path passwordFile(String password) throws IOException {
    Path file = Files.writeString(dir.resolve("password"), password);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void loadsAPemChainAndItsKey(KeyType type) throws Exception {
    TestPki.Leaf leaf = INTERMEDIATE.leaf("device-01", type);
    leaf.writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));

    SoftwareTlsIdentity identity = loadPem();

    assertEquals(leaf.chain(), identity.certificateChain());
    String keyType = type == KeyType.RSA_2048 ? "RSA" : "EC";
    assertEquals(
        "device", identity.keyManager().chooseClientAlias(new String[] {keyType}, null, null));
    assertEquals(leaf.privateKey(), identity.keyManager().getPrivateKey("device"));
    assertEquals(
        List.of(leaf.chain().toArray()),
        List.of(identity.keyManager().getCertificateChain("device")));
  }

  @Test
  void offersNoAliasForAKeyTypeItDoesNotHave() throws Exception {
    writeDevicePem();
    SoftwareTlsIdentity identity = loadPem();
    assertNull(identity.keyManager().chooseClientAlias(new String[] {"RSA"}, null, null));
  }

  @Test
  void refusesAKeyThatBelongsToAnotherCertificate() throws Exception {
    INTERMEDIATE
        .leaf("device-01", KeyType.EC_P256)
        .writePem(dir.resolve("chain.pem"), dir.resolve("ignored.pem"));
    INTERMEDIATE
        .leaf("device-02", KeyType.EC_P256)
        .writePem(dir.resolve("other.pem"), dir.resolve("key.pem"));
    assertEquals(
        "private key in "
            + dir.resolve("key.pem")
            + " does not belong to the first certificate in "
            + dir.resolve("chain.pem"),
        pemRefusal());
  }

  @Test
  void refusesAPrivateKeyReadableByOthers() throws Exception {
    writeDevicePem();
    Files.setPosixFilePermissions(
        dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(
        "key file "
            + dir.resolve("key.pem")
            + " is accessible by group or others (mode rw-r--r--); run: chmod 600 "
            + dir.resolve("key.pem"),
        pemRefusal());
  }

  @Test
  void refusesAFileWithoutCertificates() throws Exception {
    Files.writeString(dir.resolve("chain.pem"), "not a certificate\n");
    assertEquals(
        "certificate file " + dir.resolve("chain.pem") + " holds no PEM certificate", pemRefusal());
  }

  @Test
  void refusesADamagedCertificateBlock() throws Exception {
    Files.writeString(
        dir.resolve("chain.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    assertEquals(
        "certificate file " + dir.resolve("chain.pem") + " is not a PEM certificate chain",
        pemRefusal());
  }

  @Test
  void refusesATruncatedKey() throws Exception {
    writeDevicePem();
    String pem = Files.readString(dir.resolve("key.pem"));
    Files.writeString(dir.resolve("key.pem"), pem.substring(0, pem.length() / 2));
    assertEquals(
        "private key file " + dir.resolve("key.pem") + " is not a valid PEM private key",
        pemRefusal());
  }

  @Test
  void loadsPkcs12WithAPasswordFile() throws Exception {
    TestPki.Leaf leaf = INTERMEDIATE.leaf("device-01", KeyType.EC_P384);
    leaf.writePkcs12(dir.resolve("device.p12"), "s3cret".toCharArray());

    SoftwareTlsIdentity identity =
        SoftwareTlsIdentity.fromPkcs12(dir.resolve("device.p12"), passwordFile("s3cret\n"));

    assertEquals(leaf.chain(), identity.certificateChain());
  }

  @Test
  void aWrongPkcs12PasswordNamesBothFilesButNotThePassword() throws Exception {
    INTERMEDIATE
        .leaf("device-01", KeyType.EC_P256)
        .writePkcs12(dir.resolve("device.p12"), "right".toCharArray());
    Path password = passwordFile("wrong-guess");
    HsmException e =
        assertThrows(
            HsmException.class,
            () -> SoftwareTlsIdentity.fromPkcs12(dir.resolve("device.p12"), password));
    assertEquals(
        "cannot open PKCS#12 file "
            + dir.resolve("device.p12")
            + ": wrong password in "
            + password
            + " or not a PKCS#12 file",
        e.getMessage());
  }
}
