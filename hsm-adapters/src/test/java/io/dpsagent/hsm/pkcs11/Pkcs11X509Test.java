package io.dpsagent.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.TlsTestServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The factory flow (key pair in the token, CSR, certificate import) and TLS client auth with it.
 */
class Pkcs11X509Test {

  private static final TestPki.Issuer ROOT = TestPki.rootCa("Test Root");
  private static final TestPki.Issuer INTERMEDIATE = ROOT.intermediate("Test Intermediate");

  private static final SoftHsm.Token softHsm = SoftHsm.newToken();
  private static final Pkcs11Token token = softHsm.open();

  @TempDir Path dir;

  private static Pkcs11FactorySteps factory() {
    return new Pkcs11FactorySteps(token);
  }

  static Stream<Arguments> keyTypesAndProtocols() {
    return Stream.of(KeyPairType.values())
        .flatMap(
            type -> Stream.of("TLSv1.3", "TLSv1.2").map(protocol -> Arguments.of(type, protocol)));
  }

  @ParameterizedTest
  @MethodSource("keyTypesAndProtocols")
  void aKeyMadeInTheTokenAuthenticatesATlsClient(KeyPairType type, String protocol)
      throws Exception {
    String label = "tls-" + type + "-" + protocol;
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=" + label + ";type=private"));
    PublicKey publicKey = factory().generateKeyPair(uri, type);
    List<X509Certificate> chain =
        INTERMEDIATE.certify("my-device-01", csrKey(factory().csr(uri, "CN=my-device-01")));
    factory().importCertificate(uri, chain);

    TlsIdentity identity = token.tlsIdentity(uri);

    assertEquals(chain, identity.certificateChain());
    assertArrayEquals(publicKey.getEncoded(), identity.leaf().getPublicKey().getEncoded());
    try (TlsTestServer server = new TlsTestServer(ROOT)) {
      TlsTestServer.Handshake seen = server.handshake(identity, protocol);
      assertEquals(protocol, seen.protocol());
      assertEquals(new X500Principal("CN=my-device-01"), seen.clientSubject());
    }
    assertPrivateKeyHidden(identity, label);
  }

  @ParameterizedTest
  @EnumSource(KeyPairType.class)
  void theCsrIsSignedInTheTokenForTheRequestedSubject(KeyPairType type) throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=csr-" + type));
    PublicKey publicKey = factory().generateKeyPair(uri, type);

    String pem = factory().csr(uri, "CN=my-device-01");

    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----"), pem);
    PKCS10CertificationRequest csr = parseCsr(pem);
    assertEquals(new X500Name("CN=my-device-01"), csr.getSubject());
    assertArrayEquals(publicKey.getEncoded(), csr.getSubjectPublicKeyInfo().getEncoded());
    assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey)));
    assertPrivateKeyHidden(token.tlsIdentity(uri), "csr-" + type);
  }

  @Test
  void untilACertificateIsImportedTheKeyCarriesASelfSignedPlaceholder() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=fresh"));
    PublicKey publicKey = factory().generateKeyPair(uri, KeyPairType.EC_P256);

    X509Certificate placeholder = token.tlsIdentity(uri).leaf();

    assertEquals(new X500Principal("CN=fresh"), placeholder.getSubjectX500Principal());
    assertEquals(placeholder.getSubjectX500Principal(), placeholder.getIssuerX500Principal());
    placeholder.verify(publicKey);
  }

  @Test
  void theKeyIsFoundAgainAfterReopeningTheTokenAndById() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=kept"));
    PublicKey publicKey = factory().generateKeyPair(uri, KeyPairType.EC_P256);
    factory().importCertificate(uri, INTERMEDIATE.certify("kept-device", publicKey));

    Pkcs11Token reopened = Pkcs11Token.open(Pkcs11Uri.parse(softHsm.uri("")), null);
    // SunPKCS11 gives a key it stores the label's bytes as CKA_ID.
    TlsIdentity byId =
        reopened.tlsIdentity(Pkcs11Uri.parse(softHsm.uri("id=%6B%65%70%74;type=private")));

    assertEquals(new X500Principal("CN=kept-device"), byId.leaf().getSubjectX500Principal());
    try (TlsTestServer server = new TlsTestServer(ROOT)) {
      assertEquals(
          new X500Principal("CN=kept-device"), server.handshake(byId, "TLSv1.3").clientSubject());
    }
  }

  @Test
  void aChainFromAPemFileIsUsedWithTheTokenKey() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=pem-chain"));
    PublicKey publicKey = factory().generateKeyPair(uri, KeyPairType.RSA_2048);
    List<X509Certificate> chain = INTERMEDIATE.certify("pem-device", publicKey);
    Files.writeString(dir.resolve("chain.pem"), TestPki.pem(chain.toArray()));

    TlsIdentity identity =
        token.tlsIdentity(uri, SoftwareTlsIdentity.readChain(dir.resolve("chain.pem")));

    assertEquals(chain, identity.certificateChain());
    try (TlsTestServer server = new TlsTestServer(ROOT)) {
      assertEquals(
          new X500Principal("CN=pem-device"),
          server.handshake(identity, "TLSv1.3").clientSubject());
    }
  }

  @Test
  void aCertificateForAnotherKeyIsRefused() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=mismatch"));
    factory().generateKeyPair(uri, KeyPairType.EC_P256);
    List<X509Certificate> other =
        INTERMEDIATE.leaf("someone-else", TestPki.KeyType.EC_P256).chain();

    Pkcs11Exception imported =
        assertThrows(Pkcs11Exception.class, () -> factory().importCertificate(uri, other));
    Pkcs11Exception used = assertThrows(Pkcs11Exception.class, () -> token.tlsIdentity(uri, other));

    assertEquals(Pkcs11Exception.Kind.OBJECT_UNFIT, imported.pkcs11Kind());
    assertEquals("certificate CN=someone-else is not for the key " + uri, imported.getMessage());
    assertEquals(imported.getMessage(), used.getMessage());
  }

  @Test
  void aKeyPairIsGeneratedOncePerLabel() throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=twice"));
    factory().generateKeyPair(uri, KeyPairType.EC_P256);
    Pkcs11Exception e =
        assertThrows(
            Pkcs11Exception.class, () -> factory().generateKeyPair(uri, KeyPairType.EC_P256));
    assertEquals(Pkcs11Exception.Kind.OBJECT_EXISTS, e.pkcs11Kind());
  }

  @Test
  void aDestroyedKeyPairLeavesNoObjectOfItsOwnAndSparesTheOthers() throws Exception {
    Pkcs11Uri retired = Pkcs11Uri.parse(softHsm.uri("object=retired;type=private"));
    Pkcs11Uri kept = Pkcs11Uri.parse(softHsm.uri("object=spared;type=private"));
    factory().generateKeyPair(retired, KeyPairType.EC_P256);
    factory().generateKeyPair(kept, KeyPairType.EC_P256);
    assertEquals(2, objectsWithId("retired").size(), objectsWithId("retired").toString());

    assertTrue(factory().destroyKeyPair(retired));

    assertEquals(List.of(), objectsWithId("retired"));
    assertEquals(2, objectsWithId("spared").size());
    Pkcs11Exception gone =
        assertThrows(Pkcs11Exception.class, () -> softHsm.open().tlsIdentity(retired));
    assertEquals(Pkcs11Exception.Kind.OBJECT_NOT_FOUND, gone.pkcs11Kind());
    assertFalse(factory().destroyKeyPair(retired), "nothing left to destroy");
  }

  @Test
  void aMissingPrivateKeyIsNamedWithItsUri() {
    Pkcs11Uri uri = Pkcs11Uri.parse(softHsm.uri("object=absent;type=private"));
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> token.tlsIdentity(uri));
    assertEquals(Pkcs11Exception.Kind.OBJECT_NOT_FOUND, e.pkcs11Kind());
    assertEquals(
        "token '" + softHsm.label() + "' has no private key with a certificate " + uri,
        e.getMessage());
  }

  /** Neither SunPKCS11 nor the PKCS#11 API (pkcs11-tool) reveals the private key. */
  private static void assertPrivateKeyHidden(TlsIdentity identity, String label) {
    PrivateKey key =
        identity
            .keyManager()
            .getPrivateKey(
                identity.keyManager().chooseClientAlias(new String[] {"EC", "RSA"}, null, null));
    assertTrue(TokenObjects.isValueHidden(key));
    assertTrue(key.toString().contains("token object, sensitive, unextractable"), key.toString());
    // opensc cannot read private keys at all, so its listing shows the attributes instead.
    // SunPKCS11 leaves the private key's CKA_LABEL empty and sets CKA_ID to the label's bytes.
    SoftHsm.Result list = softHsm.pkcs11Tool("--list-objects", "--type", "privkey");
    assertEquals(0, list.exitCode(), list.output());
    String object =
        Stream.of(list.output().split("Private Key Object"))
            .filter(block -> block.contains("ID:         " + hex(label) + "\n"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        object.contains("Access:     sensitive, always sensitive, never extractable, local"),
        object);
  }

  /** What pkcs11-tool lists of every class with the CKA_ID SunPKCS11 gives {@code label}. */
  private static List<String> objectsWithId(String label) {
    SoftHsm.Result list = softHsm.pkcs11Tool("--list-objects");
    assertEquals(0, list.exitCode(), list.output());
    return Stream.of(list.output().split("(?=(Private Key|Public Key|Certificate) Object)"))
        .filter(block -> block.contains("ID:         " + hex(label) + "\n"))
        .map(block -> block.substring(0, block.indexOf(" Object")))
        .toList();
  }

  private static String hex(String text) {
    StringBuilder s = new StringBuilder();
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }

  private static PKCS10CertificationRequest parseCsr(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) parser.readObject();
    }
  }

  private static PublicKey csrKey(String pem) throws Exception {
    return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(parseCsr(pem))
        .getPublicKey();
  }
}
