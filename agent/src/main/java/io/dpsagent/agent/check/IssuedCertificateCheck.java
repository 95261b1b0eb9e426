package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.issuance.RenewalSchedule;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code issued-certificate}: the certificate DPS issued at provisioning ({@code
 * [provisioning.certificate_issuance]}) is valid now and not past its renewal point. A certificate
 * not issued yet is fine before the first provisioning, and an error once {@code connection.json}
 * names it: the application's hub connection would fail.
 */
final class IssuedCertificateCheck extends NamedCheck {

  static final String ID = "issued-certificate";

  private static final String REISSUE =
      "run dps-agent provision (or dps-agent reprovision while the daemon runs): DPS issues a new"
          + " certificate for the same key";

  private final AgentConfig config;
  private final CertificateIssuance issuance;
  private final Clock clock;

  IssuedCertificateCheck(AgentConfig config, CertificateIssuance issuance, Clock clock) {
    super(ID);
    this.config = config;
    this.issuance = issuance;
    this.clock = clock;
  }

  static Optional<Check> of(AgentConfig config, Clock clock) {
    return config
        .provisioning()
        .certificateIssuance()
        .map(issuance -> new IssuedCertificateCheck(config, issuance, clock));
  }

  @Override
  public Verdict run() {
    // With rotate_key the set in use may name the alternate chain file: judge what it names.
    Optional<Path> recorded = recordedCertificate();
    Path file = recorded.orElse(issuance.chainFile(config.output().dir()));
    if (!Files.exists(file)) {
      return notIssued(file, recorded);
    }
    List<X509Certificate> chain;
    try {
      chain = Pem.readCertificates(file);
    } catch (IOException | GeneralSecurityException e) {
      chain = List.of();
    }
    if (chain.isEmpty()) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "the issued certificate file " + file + " holds no readable PEM certificate",
          REISSUE);
    }
    return judge(chain.get(0), file, clock.instant(), issuance.renewAtFraction());
  }

  private Verdict notIssued(Path file, Optional<Path> recorded) {
    if (recorded.isPresent()) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "connection.json names the issued certificate "
              + recorded.get()
              + ", but "
              + file
              + " does not exist",
          REISSUE);
    }
    return Verdict.ok(
        "no certificate issued yet (" + file + "): the first provisioning requests one");
  }

  private Optional<Path> recordedCertificate() {
    Path json = config.output().dir().resolve(OutputWriter.CONNECTION_JSON);
    if (!Files.exists(json)) {
      return Optional.empty();
    }
    try {
      return ConnectionInfo.read(json).certificate().map(c -> c.file());
    } catch (AgentException e) {
      return Optional.empty(); // an unreadable connection.json is the status command's to report
    }
  }

  static Verdict judge(X509Certificate leaf, Path file, Instant now, double renewAtFraction) {
    String named = "issued certificate " + leaf.getSubjectX500Principal().getName() + " in " + file;
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (!now.isBefore(notAfter)) {
      return Verdict.error(AgentException.Kind.CONFIG, named + " expired on " + notAfter, REISSUE);
    }
    if (now.isBefore(notBefore)) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          named + " is not valid before " + notBefore,
          "check the device clock (date -u; timedatectl)");
    }
    Instant renewal = renewalPoint(notBefore, notAfter, renewAtFraction);
    if (!now.isBefore(renewal)) {
      return Verdict.warning(
          named
              + " is past its renewal point ("
              + Math.round(renewAtFraction * 100)
              + "% of its lifetime, "
              + renewal
              + "); it expires on "
              + notAfter
              + ", in "
              + approximately(Duration.between(now, notAfter)),
          REISSUE);
    }
    return Verdict.ok(named + " valid until " + notAfter + "; due for renewal from " + renewal);
  }

  /** When the daemon renews ({@code renew_at_fraction} of the way to {@code notAfter}). */
  static Instant renewalPoint(Instant notBefore, Instant notAfter, double renewAtFraction) {
    return RenewalSchedule.dueAt(
        new IssuedCertificate(Path.of(""), "", notBefore, notAfter), renewAtFraction);
  }

  /** Whole days, hours or minutes, rounded down: "9 days", "1 hour", "0 minutes". */
  static String approximately(Duration left) {
    if (left.toDays() > 0) {
      return plural(left.toDays(), "day");
    }
    return left.toHours() > 0 ? plural(left.toHours(), "hour") : plural(left.toMinutes(), "minute");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
