package io.dpsagent.hsm.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

  private static final TestPki.Leaf LEAF =
      TestPki.rootCa("Root").intermediate("Intermediate").leaf("device-01", KeyType.EC_P256);

  @TempDir Path dir;

  @Test
  void readsAChainInFileOrderIgnoringTextAround() throws Exception {
    Path file = dir.resolve("chain.pem");
    Files.writeString(
        file, "# bundle \u00e9t\u00e9 2024\n" + TestPki.pem(LEAF.chain().toArray()) + "trailer\n");
    assertEquals(LEAF.chain(), Pem.readCertificates(file));
  }

  @Test
  void aFileWithAChainAndItsKeyServesAsEither() throws Exception {
    Path file = dir.resolve("server.pem");
    Files.writeString(file, TestPki.pem(LEAF.certificate(), LEAF.privateKey()));
    assertEquals(List.of(LEAF.certificate()), Pem.readCertificates(file));
    PrivateKey key = Pem.readPrivateKey(file).orElseThrow();
    assertEquals("EC", key.getAlgorithm());
    assertArrayEquals(LEAF.privateKey().getEncoded(), key.getEncoded());
  }

  @Test
  void readsTheTraditionalKeyFormToo() throws Exception {
    PrivateKey rsa = TestPki.selfSigned("rsa", KeyType.RSA_2048).privateKey();
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(rsa); // "RSA PRIVATE KEY", OpenSSL's own form
    }
    assertTrue(text.toString().startsWith("-----BEGIN RSA PRIVATE KEY-----"), text.toString());
    PrivateKey read = Pem.privateKey(text.toString()).orElseThrow();
    assertEquals("RSA", read.getAlgorithm());
    assertArrayEquals(rsa.getEncoded(), read.getEncoded());
  }

  @Test
  void textWithoutPemBlocksHoldsNothing() throws Exception {
    assertEquals(List.of(), Pem.certificates("not a certificate\n"));
    assertEquals(Optional.empty(), Pem.privateKey(TestPki.pem(LEAF.certificate())));
  }

  @Test
  void anEncryptedKeyIsToldApart() throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(
          LEAF.privateKey(),
          new JcePEMEncryptorBuilder("AES-128-CBC")
              .setProvider(new BouncyCastleProvider())
              .build("pw".toCharArray()));
    }
    assertThrows(Pem.EncryptedKeyException.class, () -> Pem.privateKey(text.toString()));
  }

  @Test
  void aDamagedOrUnterminatedBlockIsMalformed() {
    assertThrows(
        Pem.MalformedPemException.class,
        () -> Pem.certificates("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
    assertThrows(
        Pem.MalformedPemException.class,
        () -> Pem.certificates("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n"));
    String pem = TestPki.pem(LEAF.privateKey());
    assertThrows(
        Pem.MalformedPemException.class, () -> Pem.privateKey(pem.substring(0, pem.length() / 2)));
  }

  @Test
  void aBlockClosedUnderAnotherLabelIsMalformed() {
    String pem = TestPki.pem(LEAF.certificate()).replace("END CERTIFICATE", "END X509 CRL");
    assertThrows(Pem.MalformedPemException.class, () -> Pem.certificates(pem));
  }

  @Test
  void pkcs8KeysOfEachAlgorithmReadAsJdkKeys() throws Exception {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "DSA")) { // DSA: not named, BC reads it
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (!algorithm.equals("Ed25519")) {
        generator.initialize(algorithm.equals("EC") ? 256 : 2048);
      }
      PrivateKey key = generator.generateKeyPair().getPrivate();
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      PrivateKey read = Pem.privateKey(pem).orElseThrow();
      assertArrayEquals(key.getEncoded(), read.getEncoded(), algorithm);
    }
  }

  @Test
  void blocksOfOtherKindsAreSkipped() throws Exception {
    String pem =
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
            + TestPki.pem(LEAF.certificate());
    assertEquals(List.of(LEAF.certificate()), Pem.certificates(pem));
    assertEquals(Optional.empty(), Pem.privateKey(pem));
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    assertThrows(NoSuchFileException.class, () -> Pem.readCertificates(dir.resolve("absent.pem")));
  }

  @Test
  void theRequiringReadersNameTheFile() throws Exception {
    Path file = dir.resolve("empty.pem");
    Files.writeString(file, "\n");
    IOException noCertificate =
        assertThrows(IOException.class, () -> Pem.requireCertificates(file));
    assertEquals(file + ": no PEM certificate found", noCertificate.getMessage());
    IOException noKey = assertThrows(IOException.class, () -> Pem.requirePrivateKey(file));
    assertEquals(file + ": no unencrypted PEM private key found", noKey.getMessage());
  }

  @Test
  void writesACertificateOwnerOnlyThatReadsBack() throws Exception {
    Path file = dir.resolve("ca.pem");
    Pem.writeCertificate(file, LEAF.certificate());
    assertEquals(List.of(LEAF.certificate()), Pem.requireCertificates(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(
        Files.readString(file, StandardCharsets.US_ASCII)
            .startsWith("-----BEGIN CERTIFICATE-----"));
  }
}
