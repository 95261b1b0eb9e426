package io.dpsagent.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.AgentException;
import io.dpsagent.common.testing.TestPki;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The issued certificate's dates: ok before 80% of its lifetime, a warning from then to its expiry,
 * an error once expired or before it is valid.
 */
class IssuedCertificateCheckTest {

  private static final Instant NOT_BEFORE = Instant.parse("2026-05-01T00:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2026-05-11T00:00:00Z"); // 10 days
  private static final Instant RENEWAL = Instant.parse("2026-05-09T00:00:00Z");
  private static final Path FILE = Path.of("/var/lib/dps-agent/device-cert.pem");
  private static final X509Certificate LEAF =
      TestPki.rootCa("issued check CA")
          .leaf("gw-0042", TestPki.KeyType.EC_P256, NOT_BEFORE, NOT_AFTER)
          .certificate();
  private static final String NAMED = "issued certificate CN=gw-0042 in " + FILE;
  private static final String REISSUE =
      "run dps-agent provision (or dps-agent reprovision while the daemon runs): DPS issues a new"
          + " certificate for the same key";

  private static Verdict at(Instant now) {
    return IssuedCertificateCheck.judge(LEAF, FILE, now, 0.8);
  }

  @Test
  void theRenewalPointIsFourFifthsOfTheLifetime() {
    assertEquals(RENEWAL, IssuedCertificateCheck.renewalPoint(NOT_BEFORE, NOT_AFTER, 0.8));
  }

  @Test
  void theRenewalPointFollowsTheConfiguredFraction() {
    Instant halfway = Instant.parse("2026-05-06T00:00:00Z");
    assertEquals(halfway, IssuedCertificateCheck.renewalPoint(NOT_BEFORE, NOT_AFTER, 0.5));
    Verdict pastHalfway =
        IssuedCertificateCheck.judge(LEAF, FILE, halfway.plus(Duration.ofHours(1)), 0.5);
    assertEquals(
        Verdict.warning(
            NAMED
                + " is past its renewal point (50% of its lifetime, "
                + halfway
                + "); it expires on "
                + NOT_AFTER
                + ", in 4 days",
            REISSUE),
        pastHalfway);
  }

  @Test
  void beforeTheRenewalPointItIsOk() {
    assertEquals(
        Verdict.ok(NAMED + " valid until " + NOT_AFTER + "; due for renewal from " + RENEWAL),
        at(RENEWAL.minusSeconds(1)));
  }

  @Test
  void fromTheRenewalPointItWarnsWithTheTimeLeft() {
    assertEquals(
        Verdict.warning(
            NAMED
                + " is past its renewal point (80% of its lifetime, "
                + RENEWAL
                + "); it expires on "
                + NOT_AFTER
                + ", in 2 days",
            REISSUE),
        at(RENEWAL));
    assertEquals(
        NAMED
            + " is past its renewal point (80% of its lifetime, "
            + RENEWAL
            + "); it expires on "
            + NOT_AFTER
            + ", in 1 minute",
        at(NOT_AFTER.minusSeconds(119)).message());
  }

  @Test
  void atItsNotAfterItIsExpired() {
    assertEquals(
        Verdict.error(AgentException.Kind.CONFIG, NAMED + " expired on " + NOT_AFTER, REISSUE),
        at(NOT_AFTER));
  }

  @Test
  void beforeItsNotBeforeTheClockIsSuspect() {
    Verdict verdict = at(NOT_BEFORE.minusSeconds(1));
    assertEquals(Status.ERROR, verdict.status());
    assertEquals(NAMED + " is not valid before " + NOT_BEFORE, verdict.message());
    assertEquals(Optional.of("check the device clock (date -u; timedatectl)"), verdict.fix());
  }

  @Test
  void theTimeLeftIsInWholeDaysHoursOrMinutes() {
    assertEquals("3 days", IssuedCertificateCheck.approximately(Duration.ofHours(73)));
    assertEquals("1 hour", IssuedCertificateCheck.approximately(Duration.ofMinutes(119)));
    assertEquals("0 minutes", IssuedCertificateCheck.approximately(Duration.ofSeconds(59)));
  }
}
