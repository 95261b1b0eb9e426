package io.dpsagent.hsm.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.pkcs11.KeyPairType;
import io.dpsagent.hsm.pkcs11.Pkcs11FactorySteps;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import io.dpsagent.hsm.testing.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point opens each key home the URI names, against real files and a SoftHSM2 token. */
class KeysTest {

  private static final byte[] DATA =
      "0ne00ABCDEF%2Fregistrations%2Fdev\n1767225600".getBytes(StandardCharsets.UTF_8);
  private static final TestPki.Issuer CA = TestPki.rootCa("Keys Test CA");

  private static final SoftHsm.Token softHsm = SoftHsm.newToken();

  @TempDir Path dir;

  @Test
  void aKeyFileAndATokenKeySignAlike() throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 7;
    Path file = dir.resolve("device.key");
    Files.writeString(file, Base64.getEncoder().encodeToString(raw));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Pkcs11Uri token = Pkcs11Uri.parse(softHsm.uri("object=keys-test-hmac;type=secret-key"));
    Pkcs11FactorySteps.open(token, null).importSecretKey(token, raw.clone());

    byte[] expected = SoftwareSymmetricKey.ofBytes(raw).sign(DATA);
    assertArrayEquals(
        expected, Keys.sasSigner(KeyUri.ofFile(file), KeyOptions.defaults()).sign(DATA));
    assertArrayEquals(
        expected, Keys.sasSigner(KeyUri.parse(token.toString()), KeyOptions.defaults()).sign(DATA));
  }

  @Test
  void aPinWrittenIntoTheUriIsWarnedAbout() throws Exception {
    Pkcs11Uri stored = Pkcs11Uri.parse(softHsm.uri("object=keys-test-inline;type=secret-key"));
    Pkcs11FactorySteps.open(stored, null).importSecretKey(stored, new byte[32]);
    KeyUri inline =
        KeyUri.parse(
            softHsm
                .uri("object=keys-test-inline;type=secret-key")
                .replace("pin-source=file:" + softHsm.pinFile(), "pin-value=" + softHsm.userPin()));
    List<String> warnings = new ArrayList<>();

    Keys.sasSigner(inline, KeyOptions.defaults().withWarnings(warnings::add));

    assertEquals(
        List.of(
            inline
                + " carries its PIN in pin-value, readable by anyone who can read the config;"
                + " prefer pin-source=file:/path (mode 0600)"),
        warnings);
  }

  @Test
  void aTokenKeyTakesItsChainFromTheTokenOrFromAPemFile() throws Exception {
    Pkcs11Uri key = Pkcs11Uri.parse(softHsm.uri("object=keys-test-tls;type=private"));
    Pkcs11FactorySteps factory = Pkcs11FactorySteps.open(key, null);
    PublicKey publicKey = factory.generateKeyPair(key, KeyPairType.EC_P256);
    List<X509Certificate> chain = CA.certify("keys-test-device", publicKey);
    factory.importCertificate(key, chain);
    Path chainFile = dir.resolve("chain.pem");
    Files.writeString(chainFile, TestPki.pem(chain.toArray()));
    KeyUri keyUri = KeyUri.parse(key.toString());

    assertEquals(
        chain.get(0), Keys.tlsIdentity(Optional.empty(), keyUri, KeyOptions.defaults()).leaf());
    assertEquals(
        chain.get(0),
        Keys.tlsIdentity(Optional.of(KeyUri.ofFile(chainFile)), keyUri, KeyOptions.defaults())
            .leaf());
  }

  @Test
  void aKeyFileNeedsAPemChain() throws Exception {
    TestPki.Leaf leaf = CA.leaf("keys-test-pem", TestPki.KeyType.EC_P256);
    leaf.writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    KeyUri key = KeyUri.ofFile(dir.resolve("key.pem"));

    assertEquals(
        leaf.certificate(),
        Keys.tlsIdentity(
                Optional.of(KeyUri.ofFile(dir.resolve("chain.pem"))), key, KeyOptions.defaults())
            .leaf());
    HsmException e =
        assertThrows(
            HsmException.class,
            () -> Keys.tlsIdentity(Optional.empty(), key, KeyOptions.defaults()));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "private key " + key + " needs its certificate chain in a PEM file", e.getMessage());
  }
}
