package io.dpsagent.agent.issuance;

import io.dpsagent.agent.output.IssuedCertificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When an issued certificate is renewed: once {@code renew_at_fraction} of its lifetime has passed,
 * and after a failed renewal again with the daemon's back-off, but not after the certificate lapses
 * while it is still valid.
 */
public final class RenewalSchedule {

  /** However close the expiry, a failed renewal is not tried again sooner than this. */
  public static final Duration MIN_RETRY = Duration.ofSeconds(5);

  private RenewalSchedule() {}

  /**
   * The instant {@code fraction} (0..1, exclusive) of the certificate's lifetime has passed, within
   * its validity; a certificate whose {@code notAfter} is not after its {@code notBefore} is due at
   * its {@code notBefore}, that is at once.
   */
  public static Instant dueAt(IssuedCertificate certificate, double fraction) {
    if (!certificate.notAfter().isAfter(certificate.notBefore())) {
      return certificate.notBefore();
    }
    Instant due = certificate.atFractionOfLifetime(fraction);
    return due.isAfter(certificate.notAfter()) ? certificate.notAfter() : due;
  }

  /** How long from {@code now} until {@code due}; zero when it is already past (renew at once). */
  public static Duration until(Instant due, Instant now) {
    Duration left = Duration.between(now, due);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * The next attempt after a renewal failed at {@code now}: after {@code backoff}, brought forward
   * to the certificate's expiry while it is still valid (one more try while the old set still
   * works), and never sooner than {@link #MIN_RETRY}.
   */
  public static Instant retryAt(Instant now, Duration backoff, IssuedCertificate certificate) {
    Instant next = now.plus(backoff);
    if (now.isBefore(certificate.notAfter()) && next.isAfter(certificate.notAfter())) {
      next = certificate.notAfter();
    }
    Instant earliest = now.plus(MIN_RETRY);
    return next.isBefore(earliest) ? earliest : next;
  }
}
