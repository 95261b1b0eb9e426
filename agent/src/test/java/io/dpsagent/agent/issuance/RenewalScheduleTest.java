package io.dpsagent.agent.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dpsagent.agent.output.IssuedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Each case: the retry's name, when it is scheduled, the back-off, the certificate, when. */
  static Stream<Arguments> retries() {
    IssuedCertificate thirtySeconds = valid(T0, T0.plusSeconds(30));
    Instant dueAt80 = T0.plus(Duration.ofDays(80));
    return Stream.of(
        arguments(
            "follows the back-off while the certificate outlives it",
            dueAt80,
            Duration.ofSeconds(30),
            HUNDRED_DAYS,
            dueAt80.plusSeconds(30)),
        arguments(
            "is brought forward to the expiry of a still valid certificate",
            T0.plusSeconds(15),
            Duration.ofMinutes(4),
            thirtySeconds,
            T0.plusSeconds(30)),
        arguments(
            "is never sooner than the minimum spacing before expiry",
            T0.plusSeconds(29),
            Duration.ofSeconds(60),
            thirtySeconds,
            T0.plusSeconds(29).plus(RenewalSchedule.MIN_RETRY)),
        arguments(
            "is never sooner than the minimum spacing without back-off",
            T0.plusSeconds(29),
            Duration.ZERO,
            HUNDRED_DAYS,
            T0.plusSeconds(29).plus(RenewalSchedule.MIN_RETRY)),
        arguments(
            "follows the back-off alone after expiry",
            T0.plusSeconds(100),
            Duration.ofMinutes(8),
            thirtySeconds,
            T0.plusSeconds(100).plus(Duration.ofMinutes(8))));
  }

  @ParameterizedTest(name = "a retry {0}")
  @MethodSource("retries")
  void aRetry(
      String name, Instant now, Duration backOff, IssuedCertificate certificate, Instant expected) {
    assertEquals(expected, RenewalSchedule.retryAt(now, backOff, certificate));
  }
}
