package io.dpsagent.agent.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.output.IssuedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an issued certificate is renewed, and when again after a failed renewal. */
class RenewalScheduleTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static IssuedCertificate valid(Instant notBefore, Instant notAfter) {
    return new IssuedCertificate(Path.of("/out/device-cert.pem"), "00", notBefore, notAfter);
  }

  private static final IssuedCertificate HUNDRED_DAYS = valid(T0, T0.plus(Duration.ofDays(100)));

  @Test
  void theFractionOfTheLifetimeIsCountedFromNotBefore() {
    assertEquals(T0.plus(Duration.ofDays(80)), RenewalSchedule.dueAt(HUNDRED_DAYS, 0.8));
    assertEquals(T0.plus(Duration.ofDays(50)), RenewalSchedule.dueAt(HUNDRED_DAYS, 0.5));
  }

  @Test
  void secondLevelLifetimesAreScheduledToTheMillisecond() {
    IssuedCertificate thirtySeconds = valid(T0, T0.plusSeconds(30));

    assertEquals(T0.plusMillis(15_000), RenewalSchedule.dueAt(thirtySeconds, 0.5));
    assertEquals(T0.plusMillis(999), RenewalSchedule.dueAt(valid(T0, T0.plusSeconds(1)), 0.999));
  }

  @Test
  void aCertificateWithoutLifetimeIsDueAtOnce() {
    assertEquals(T0, RenewalSchedule.dueAt(valid(T0, T0), 0.8));
    assertEquals(T0, RenewalSchedule.dueAt(valid(T0, T0.minusSeconds(60)), 0.8));
  }

  @Test
  void aPastDueRenewalWaitsNotAtAll() {
    Instant due = RenewalSchedule.dueAt(HUNDRED_DAYS, 0.8);

    assertEquals(Duration.ZERO, RenewalSchedule.until(due, due.plusSeconds(1)));
    assertEquals(Duration.ZERO, RenewalSchedule.until(due, T0.plus(Duration.ofDays(200))));
    assertEquals(Duration.ofDays(80), RenewalSchedule.until(due, T0));
  }

  @Test
  void aRetryFollowsTheBackOffWhileTheCertificateOutlivesIt() {
    Instant now = T0.plus(Duration.ofDays(80));

    assertEquals(
        now.plusSeconds(30), RenewalSchedule.retryAt(now, Duration.ofSeconds(30), HUNDRED_DAYS));
  }

  @Test
  void aRetryIsBroughtForwardToTheExpiryOfAStillValidCertificate() {
    IssuedCertificate thirtySeconds = valid(T0, T0.plusSeconds(30));
    Instant now = T0.plusSeconds(15);

    assertEquals(
        T0.plusSeconds(30), RenewalSchedule.retryAt(now, Duration.ofMinutes(4), thirtySeconds));
  }

  @Test
  void aRetryIsNeverSoonerThanTheMinimumSpacing() {
    IssuedCertificate thirtySeconds = valid(T0, T0.plusSeconds(30));
    Instant now = T0.plusSeconds(29);

    assertEquals(
        now.plus(RenewalSchedule.MIN_RETRY),
        RenewalSchedule.retryAt(now, Duration.ofSeconds(60), thirtySeconds));
    assertEquals(
        now.plus(RenewalSchedule.MIN_RETRY),
        RenewalSchedule.retryAt(now, Duration.ZERO, HUNDRED_DAYS));
  }

  @Test
  void afterExpiryRetriesFollowTheBackOffAlone() {
    IssuedCertificate expired = valid(T0, T0.plusSeconds(30));
    Instant now = T0.plusSeconds(100);

    assertEquals(
        now.plus(Duration.ofMinutes(8)),
        RenewalSchedule.retryAt(now, Duration.ofMinutes(8), expired));
  }
}
