package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.TpmKeyUri;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TlsTestServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * X.509 keys held in a TPM, against a real swtpm: created under the SRK and persisted, read back,
 * used for a CSR and for TLS client authentication, and refused with a clear reason when the handle
 * holds nothing or the wrong kind of object. No transient handle survives any of it.
 */
class TpmSigningKeysTest {

  private static final int ECC_HANDLE = 0x81000101;
  private static final int RSA_HANDLE = 0x81000102;
  private static final TestPki.Issuer CA = TestPki.rootCa("tpm-key-test-ca");

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);
  private static TpmSigningKey ecc;
  private static TpmSigningKey rsa;

  @TempDir Path dir;

  @BeforeAll
  static void createKeys() throws HsmException {
    ecc = create(ECC_HANDLE, TpmKeyType.ECC_P256);
    rsa = create(RSA_HANDLE, TpmKeyType.RSA_2048);
  }

  private static TpmSigningKey create(int handle, TpmKeyType type) throws HsmException {
    return TpmSigningKeys.create(
        TPM.get().tcti(), TpmSettings.defaults(), TpmTimeouts.defaults(), handle, type);
  }

  /** Every test, passing or failing, leaves no transient object or session loaded. */
  @AfterEach
  void nothingLeftLoaded() throws HsmException {
    try (TpmConnection c = TpmConnection.open(TPM.get().tcti(), TpmTimeouts.defaults())) {
      assertEquals(List.of(), c.handles(TpmConnection.FIRST_TRANSIENT));
      assertEquals(List.of(), c.handles(TpmConnection.FIRST_HMAC_SESSION));
      assertEquals(List.of(), c.handles(TpmConnection.FIRST_POLICY_SESSION));
    }
  }

  private static TpmSigningKey key(TpmKeyType type) {
    return type == TpmKeyType.ECC_P256 ? ecc : rsa;
  }

  @ParameterizedTest
  @EnumSource(TpmKeyType.class)
  void aCreatedKeyIsANonDuplicableSigningKeyWhosePublicKeyReadsBack(TpmKeyType type)
      throws Exception {
    TpmSigningKey created = key(type);
    TpmSigningKey read =
        TpmSigningKeys.read(TPM.get().tcti(), TpmTimeouts.defaults(), created.handle());

    assertEquals(
        List.of("fixedTPM", "fixedParent", "sensitiveDataOrigin", "userWithAuth", "sign"),
        List.copyOf(read.attributes()));
    assertTrue(read.nonDuplicable());
    assertEquals(type, read.type());
    assertEquals(type.algorithm().jcaName(), read.publicKey().getAlgorithm());
    assertArrayEquals(created.publicKey().getEncoded(), read.publicKey().getEncoded());
    try (TpmConnection c = TpmConnection.open(TPM.get().tcti(), TpmTimeouts.defaults())) {
      assertTrue(c.handles(0x81000000).contains(created.handle()));
    }
  }

  @ParameterizedTest
  @EnumSource(TpmKeyType.class)
  void theCsrIsSignedByTheTpmKeyAndCarriesItsPublicKey(TpmKeyType type) throws Exception {
    int handle = key(type).handle();
    String pem =
        TpmSigningKeys.csr(TPM.get().tcti(), TpmTimeouts.defaults(), handle, "CN=tpm-dev-01");

    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"), pem);
    JcaPKCS10CertificationRequest csr = parseCsr(pem);
    assertEquals(new X500Name("CN=tpm-dev-01"), csr.getSubject());
    assertArrayEquals(key(type).publicKey().getEncoded(), csr.getPublicKey().getEncoded());
    assertTrue(
        csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getPublicKey())));
    assertEquals(
        type == TpmKeyType.ECC_P256 ? "1.2.840.10045.4.3.2" : "1.2.840.113549.1.1.11",
        csr.getSignatureAlgorithm().getAlgorithm().getId());
  }

  @ParameterizedTest
  @EnumSource(TpmKeyType.class)
  void tlsClientAuthenticationSignsInTheTpmWithTls13And12(TpmKeyType type) throws Exception {
    TlsIdentity identity = identityFromCsr(type, "tls-dev-" + type);
    try (TlsTestServer server = new TlsTestServer(CA)) {
      for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
        TlsTestServer.Handshake seen = server.handshake(identity, protocol);
        assertEquals(protocol, seen.protocol());
        assertEquals(new X500Principal("CN=tls-dev-" + type), seen.clientSubject());
      }
    }
  }

  /**
   * swtpm serves one connection at a time: with TPM attestation holding the TPM for the whole run,
   * the certificate key in the same TPM must share that connection, not wait for it to close.
   */
  @Test
  void whileTheAttestorHoldsTheTpmTheKeySignsACsrAndAHandshake() throws Exception {
    try (TpmAttestor attestor =
        TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults(), fastTimeouts())) {
      String pem =
          TpmSigningKeys.csr(TPM.get().tcti(), fastTimeouts(), ECC_HANDLE, "CN=shared-tpm-dev");
      assertArrayEquals(ecc.publicKey().getEncoded(), parseCsr(pem).getPublicKey().getEncoded());
      TlsIdentity identity = identityFromCsr(TpmKeyType.ECC_P256, "shared-tpm-dev");
      try (TlsTestServer server = new TlsTestServer(CA)) {
        assertEquals(
            new X500Principal("CN=shared-tpm-dev"),
            server.handshake(identity, "TLSv1.3").clientSubject());
      }
      assertEquals(List.of(), attestor.loadedHandles(), "the attestor's connection still works");
    }
  }

  /** The shared connection closes with its last user; the TPM is then free for another client. */
  @Test
  void theLastCloseReleasesTheTpmForOtherClients() throws Exception {
    TpmConnection first = TpmConnection.open(TPM.get().tcti(), fastTimeouts());
    TpmConnection second = TpmConnection.open(TPM.get().tcti(), fastTimeouts());
    first.close();
    first.close(); // a second close of one connection does not release the other's
    assertEquals(List.of(), second.handles(TpmConnection.FIRST_TRANSIENT));
    second.close();
    // swtpm now serves a new client: another process's connection, not this process's old one.
    Process getRandom =
        new ProcessBuilder("tpm2_getrandom", "-T", TPM.get().tcti().toString(), "--hex", "8")
            .redirectErrorStream(true)
            .start();
    assertTrue(getRandom.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "tpm2_getrandom ran");
    assertEquals(0, getRandom.exitValue(), new String(getRandom.getInputStream().readAllBytes()));
  }

  /** Short enough that waiting for a second connection would fail the test rather than hang. */
  private static TpmTimeouts fastTimeouts() {
    return TpmTimeouts.of(java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(3));
  }

  /** The PSS form TLS 1.3 asks for: salt = hash length, which the TPM does as well. */
  @Test
  void rsaPssSignaturesVerifyWithTheSaltLengthTls13Uses() throws Exception {
    TlsIdentity identity = identityFromCsr(TpmKeyType.RSA_2048, "pss-dev");
    Signature signer = Signature.getInstance("RSASSA-PSS");
    signer.initSign(identity.keyManager().getPrivateKey("device"));
    signer.setParameter(TpmSignatureSpi.PSS_SHA256);
    signer.update("CertificateVerify".getBytes());
    byte[] signature = signer.sign();

    Signature verifier = Signature.getInstance("RSASSA-PSS");
    verifier.initVerify(rsa.publicKey());
    verifier.setParameter(TpmSignatureSpi.PSS_SHA256);
    verifier.update("CertificateVerify".getBytes());
    assertTrue(verifier.verify(signature));
    assertEquals(TpmProvider.NAME, signer.getProvider().getName());
  }

  @Test
  void theKeyHandleIsNoKeyMaterial() throws Exception {
    TlsIdentity identity = identityFromCsr(TpmKeyType.ECC_P256, "no-export");
    java.security.PrivateKey key = identity.keyManager().getPrivateKey("device");
    assertEquals("EC", key.getAlgorithm());
    assertEquals(null, key.getEncoded());
    assertEquals(null, key.getFormat());
    assertFalse(key instanceof java.security.interfaces.ECPrivateKey);
  }

  @Test
  void keysReachesTheTpmKeyThroughItsUri() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, TestPki.pem(CA.certify("uri-dev", ecc.publicKey()).toArray()));
    KeyUri key = KeyUri.parse("tpm:handle=0x81000101;tcti=" + TPM.get().tcti());
    TlsIdentity identity =
        Keys.tlsIdentity(Optional.of(KeyUri.ofFile(chain)), key, KeyOptions.defaults());

    try (TlsTestServer server = new TlsTestServer(CA)) {
      assertEquals(
          new X500Principal("CN=uri-dev"), server.handshake(identity, "TLSv1.3").clientSubject());
    }
  }

  @Test
  void withoutTctiTheUriUsesTheConfiguredTpm() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, TestPki.pem(CA.certify("default-tcti", ecc.publicKey()).toArray()));
    TlsIdentity identity =
        Keys.tlsIdentity(
            Optional.of(KeyUri.ofFile(chain)),
            KeyUri.parse("tpm:handle=0x81000101"),
            KeyOptions.defaults().withTpmTcti(TPM.get().tcti()));

    assertEquals(new X500Principal("CN=default-tcti"), identity.leaf().getSubjectX500Principal());
  }

  @Test
  void anEmptyHandleIsAKeySourceErrorNamingTheUri() {
    HsmException e =
        assertThrows(
            HsmException.class,
            () -> TpmSigningKeys.read(TPM.get().tcti(), TpmTimeouts.defaults(), 0x81000199));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "no key is persisted at tpm:handle=0x81000199 (TPM at "
            + TPM.get().tcti()
            + "); create a signing key there first",
        e.getMessage());
  }

  @Test
  void theStorageRootKeyIsNotASigningKey() {
    HsmException e =
        assertThrows(
            HsmException.class,
            () ->
                TpmSigningKeys.csr(
                    TPM.get().tcti(),
                    TpmTimeouts.defaults(),
                    TpmSettings.DEFAULT_SRK_HANDLE,
                    "CN=x"));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "the RSA object at tpm:handle=0x81000001 (TPM at "
            + TPM.get().tcti()
            + ") is not an unrestricted ECC P-256 or RSA 2048 signing key (attributes"
            + " fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|noDA|restricted|decrypt)",
        e.getMessage());
  }

  @Test
  void aTakenHandleIsNeverReplaced() throws Exception {
    HsmException e =
        assertThrows(HsmException.class, () -> create(ECC_HANDLE, TpmKeyType.RSA_2048));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "a key is already persisted at 0x81000101; it is never replaced (a certificate may name"
            + " it): choose another handle, or evict it first (tpm2_evictcontrol -C o -c"
            + " 0x81000101)",
        e.getMessage());
    assertTheEccKeyStays();
  }

  @Test
  void anEvictedKeyIsGoneAndTheOtherKeysStay() throws Exception {
    int handle = 0x81000103;
    create(handle, TpmKeyType.ECC_P256);
    TpmKeyUri uri = new TpmKeyUri(handle, Optional.empty());

    assertTrue(evict(uri));

    assertEquals(
        Optional.empty(), TpmSigningKeys.find(TPM.get().tcti(), TpmTimeouts.defaults(), handle));
    assertFalse(evict(uri), "nothing left to evict");
    assertTheEccKeyStays();
  }

  @Test
  void theAttestationKeysAreNeverEvicted() throws Exception {
    TpmKeyUri srk = new TpmKeyUri(TpmSettings.DEFAULT_SRK_HANDLE, Optional.empty());

    HsmException e = assertThrows(HsmException.class, () -> evict(srk));

    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "0x81000001 is the storage root key's handle; choose another handle", e.getMessage());
    assertTrue(
        TpmSigningKeys.find(TPM.get().tcti(), TpmTimeouts.defaults(), ECC_HANDLE).isPresent(),
        "the TPM is still usable");
  }

  private static boolean evict(TpmKeyUri uri) throws HsmException {
    return TpmSigningKeys.evict(
        uri, TPM.get().tcti(), TpmSettings.defaults(), TpmTimeouts.defaults());
  }

  @Test
  void theAttestationHandlesAreRefused() {
    HsmException e =
        assertThrows(
            HsmException.class,
            () -> create(TpmSettings.DEFAULT_IDENTITY_KEY_HANDLE, TpmKeyType.ECC_P256));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "0x81000100 is the DPS identity key's handle; choose another handle", e.getMessage());
  }

  @Test
  void aCertificateForAnotherKeyIsRefused() {
    List<X509Certificate> other = CA.leaf("other", TestPki.KeyType.EC_P256).chain();
    HsmException e =
        assertThrows(
            HsmException.class,
            () ->
                TpmSigningKeys.tlsIdentity(
                    new io.dpsagent.hsm.TpmKeyUri(ECC_HANDLE, Optional.empty()),
                    TPM.get().tcti(),
                    TpmTimeouts.defaults(),
                    other));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "the certificate 'CN=other' certifies another key than tpm:handle=0x81000101; install the"
            + " certificate issued for this key's CSR",
        e.getMessage());
  }

  @Test
  void aMalformedTctiInTheUriIsAKeySourceError() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, TestPki.pem(CA.certify("bad-tcti", ecc.publicKey()).toArray()));
    HsmException e =
        assertThrows(
            HsmException.class,
            () ->
                Keys.tlsIdentity(
                    Optional.of(KeyUri.ofFile(chain)),
                    KeyUri.parse("tpm:handle=0x81000101;tcti=tabrmd"),
                    KeyOptions.defaults()));
    assertEquals(HsmException.Kind.KEY_SOURCE, e.kind());
    assertEquals(
        "key URI tpm:handle=0x81000101;tcti=tabrmd: TCTI 'tabrmd': unsupported TCTI 'tabrmd'; use"
            + " device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321 or mssim:host=...,port=...",
        e.getMessage());
  }

  /** A TLS identity for the TPM key, with a certificate the test CA issued for its CSR. */
  private TlsIdentity identityFromCsr(TpmKeyType type, String commonName) throws Exception {
    TpmSigningKey key = key(type);
    String pem =
        TpmSigningKeys.csr(
            TPM.get().tcti(), TpmTimeouts.defaults(), key.handle(), "CN=" + commonName);
    PublicKey requested = parseCsr(pem).getPublicKey();
    return TpmSigningKeys.tlsIdentity(
        new io.dpsagent.hsm.TpmKeyUri(key.handle(), Optional.empty()),
        TPM.get().tcti(),
        TpmTimeouts.defaults(),
        CA.certify(commonName, requested));
  }

  private static JcaPKCS10CertificationRequest parseCsr(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return new JcaPKCS10CertificationRequest(
          (org.bouncycastle.pkcs.PKCS10CertificationRequest) parser.readObject());
    }
  }

  /** The ECC key made at class start is still at its handle, unchanged. */
  private static void assertTheEccKeyStays() throws Exception {
    assertArrayEquals(
        ecc.publicKey().getEncoded(),
        TpmSigningKeys.read(TPM.get().tcti(), TpmTimeouts.defaults(), ECC_HANDLE)
            .publicKey()
            .getEncoded());
  }
}
