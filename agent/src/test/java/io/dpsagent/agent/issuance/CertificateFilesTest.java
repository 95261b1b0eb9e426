package io.dpsagent.agent.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.hsm.KeyUri;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which key and chain files a renewal writes, from what the set in use names. */
class CertificateFilesTest {

  private static final Path DIR = Path.of("/var/lib/dps-agent");
  private static final String KEY = "file:///var/lib/dps-agent/device-key.pem";

  private static CertificateIssuance issuance(String key, boolean rotate) {
    return new CertificateIssuance(KeyUri.parse(key), Optional.empty(), "2026-04-01", 0.8, rotate);
  }

  /** A set authenticating with {@code files}, as the writer records it. */
  private static ConnectionInfo setNaming(CertificateIssuance issuance, CertificateFiles files) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new ConnectionInfo(
            "hub.example",
            "gw",
            "gw",
            "0ne00000000",
            "https://dps.example",
            "symmetric_key",
            CertificateSigningRequest.hubAuth(files.applyTo(issuance), DIR),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now,
            Optional.empty())
        .withCertificate(new IssuedCertificate(files.chain(), "00", now, now.plusSeconds(60)));
  }

  @Test
  void theAlternatePairSitsBesideTheConfiguredOne() {
    CertificateFiles alternate = CertificateFiles.alternate(issuance(KEY, true), DIR);

    assertEquals("file:///var/lib/dps-agent/device-key.alt.pem", alternate.key().toString());
    assertEquals(DIR.resolve("device-cert.alt.pem"), alternate.chain());
  }

  @Test
  void theSameKeyIsRenewedInThePairInUse() {
    CertificateIssuance issuance = issuance(KEY, false);
    CertificateFiles alternate = CertificateFiles.alternate(issuance, DIR);
    CertificateFiles configured = CertificateFiles.configured(issuance, DIR);

    assertSame(
        configured, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, configured)));
    assertSame(
        alternate, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, alternate)));
  }

  @Test
  void aRotatedKeyGoesToThePairNotInUseAndBack() {
    CertificateIssuance issuance = issuance(KEY, true);
    CertificateFiles alternate = CertificateFiles.alternate(issuance, DIR);
    CertificateFiles configured = CertificateFiles.configured(issuance, DIR);

    assertSame(
        alternate, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, configured)));
    assertSame(
        configured, CertificateFiles.forRenewal(issuance, DIR, setNaming(issuance, alternate)));
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
  void aKeyInAChipHasNoFileToRemove() {
    CertificateIssuance tpm = issuance("tpm:handle=0x81000101", false);

    assertEquals(Optional.empty(), CertificateFiles.configured(tpm, DIR).keyFile());
    assertEquals(
        Optional.of(Path.of("/var/lib/dps-agent/device-key.pem")),
        CertificateFiles.configured(issuance(KEY, false), DIR).keyFile());
  }

  private static void assertSame(CertificateFiles expected, CertificateFiles actual) {
    assertEquals(expected.key().toString(), actual.key().toString());
    assertEquals(expected.chain(), actual.chain());
  }
}
