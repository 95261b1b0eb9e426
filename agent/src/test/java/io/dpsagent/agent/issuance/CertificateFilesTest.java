package io.dpsagent.agent.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.output.Assignments;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.hsm.KeyUri;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which key location and chain file a renewal writes, from what the set in use names, for each key
 * home: file, PKCS#11 token, TPM.
 */
class CertificateFilesTest {

  private static final Path DIR = Path.of("/var/lib/dps-agent");
  private static final String KEY = "file:///var/lib/dps-agent/device-key.pem";

  private static final String TOKEN_KEY =
      "pkcs11:token=gw;object=operational;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so"
          + "&pin-source=file:/etc/dps-agent/pin";
  private static final String TPM_KEY = "tpm:handle=0x81000101";

  private static CertificateIssuance issuance(String key, boolean rotate) {
    return issuance(key, rotate, Optional.empty());
  }

  private static CertificateIssuance issuance(
      String key, boolean rotate, Optional<Integer> rotateHandle) {
    return new CertificateIssuance(
        KeyUri.parse(key), Optional.empty(), "2026-04-01", 0.8, rotate, rotateHandle);
  }

  /** Rotating, as the config allows: a TPM key with a rotate_handle. */
  private static CertificateIssuance rotating(String key) {
    return issuance(key, true, rotateHandle(key));
  }

  private static Optional<Integer> rotateHandle(String key) {
    return key.startsWith("tpm:") ? Optional.of(0x81000102) : Optional.empty();
  }

  /** A set authenticating with {@code files}, as the writer records it. */
  private static ConnectionInfo setNaming(CertificateIssuance issuance, CertificateFiles files) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return Assignments.assigned(
            "hub.example",
            "gw",
            CertificateSigningRequest.hubAuth(files.applyTo(issuance), DIR),
            now)
        .withCertificate(new IssuedCertificate(files.chain(), "00", now, now.plusSeconds(60)));
  }

  @Test
  void theAlternatePairSitsBesideTheConfiguredOne() {
    CertificateFiles alternate = CertificateFiles.alternate(issuance(KEY, true), DIR);

    assertEquals("file:///var/lib/dps-agent/device-key.alt.pem", alternate.key().toString());
    assertEquals(DIR.resolve("device-cert.alt.pem"), alternate.chain());
  }

  @Test
  void aSetNamingAnotherKeyIsNotFollowed() {
    CertificateIssuance issuance = issuance(KEY, false);
    CertificateIssuance other = issuance("file:///elsewhere/key.pem", false);
    ConnectionInfo foreign =
        setNaming(other, CertificateFiles.alternate(other, Path.of("/elsewhere")));

    assertSame(
        CertificateFiles.configured(issuance, DIR), CertificateFiles.inUse(issuance, DIR, foreign));
  }

  @Test
  void aTokenKeyAlternatesWithTheLabelDotAltOnTheSameTokenModuleAndPin() {
    CertificateFiles alternate = CertificateFiles.alternate(issuance(TOKEN_KEY, true), DIR);

    assertEquals(
        "pkcs11:token=gw;object=operational.alt;type=private"
            + "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/dps-agent/pin",
        alternate.key().toString());
    assertEquals(DIR.resolve("device-cert.alt.pem"), alternate.chain());
  }

  @Test
  void anInlinePinStaysWithTheAlternateTokenKeyForTheLogin() {
    KeyUri key =
        CertificateFiles.alternateKey(
            issuance("pkcs11:token=gw;object=op;type=private?pin-value=1234", true));

    assertEquals("1234", key.pkcs11().pinValue());
    assertEquals("pkcs11:token=gw;object=op.alt;type=private?pin-value=***", key.toString());
  }

  @Test
  void aTpmKeyAlternatesWithRotateHandleOnTheSameTpm() {
    assertEquals(
        "tpm:handle=0x81000102", CertificateFiles.alternateKey(rotating(TPM_KEY)).toString());
    assertEquals(
        "tpm:handle=0x81000102;tcti=swtpm:host=127.0.0.1,port=2321",
        CertificateFiles.alternateKey(rotating(TPM_KEY + ";tcti=swtpm:host=127.0.0.1,port=2321"))
            .toString());
  }

  @Test
  void withoutAnAlternateLocationTheKeyStaysWhereItIs() {
    assertEquals(TPM_KEY, CertificateFiles.alternateKey(issuance(TPM_KEY, false)).toString());
    assertEquals(
        "pkcs11:token=gw;id=%01;type=private",
        CertificateFiles.alternateKey(issuance("pkcs11:token=gw;id=%01;type=private", false))
            .toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {KEY, TOKEN_KEY, TPM_KEY})
  void aRotatedKeyGoesToThePairNotInUseAndBack(String key) {
    CertificateIssuance issuance = rotating(key);
    CertificateFiles alternate = CertificateFiles.alternate(issuance, DIR);
    CertificateFiles configured = CertificateFiles.configured(issuance, DIR);

    assertSame(
        alternate, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, configured)));
    assertSame(
        configured, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, alternate)));
    assertSame(alternate, CertificateFiles.inUse(issuance, DIR, setNaming(issuance, alternate)));
  }

  /** Rotation turned off after a rotation: the key is renewed in whichever pair the set names. */
  @ParameterizedTest
  @ValueSource(strings = {KEY, TOKEN_KEY, TPM_KEY})
  void withoutRotationTheKeyIsRenewedInThePairInUse(String key) {
    CertificateIssuance rotated = rotating(key);
    CertificateIssuance inPlace = issuance(key, false, rotateHandle(key));
    CertificateFiles alternate = CertificateFiles.alternate(rotated, DIR);
    CertificateFiles configured = CertificateFiles.configured(inPlace, DIR);

    assertSame(
        configured, CertificateFiles.forRenewal(inPlace, DIR, setNaming(inPlace, configured)));
    assertSame(alternate, CertificateFiles.forRenewal(inPlace, DIR, setNaming(rotated, alternate)));
  }

  private static void assertSame(CertificateFiles expected, CertificateFiles actual) {
    assertEquals(expected.key().toString(), actual.key().toString());
    assertEquals(expected.chain(), actual.chain());
  }
}
