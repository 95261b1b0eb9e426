package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.pem.Pem;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code certificates}: the device's certificate chain is valid now and for at least {@link
 * #RENEWAL_WINDOW} more; the trust bundle's CAs too (an expired one only warns: other anchors may
 * still do).
 */
final class CertificatesCheck extends NamedCheck {

  static final String ID = "certificates";
  static final Duration RENEWAL_WINDOW = Duration.ofDays(30);

  private final AgentConfig config;
  private final Clock clock;

  CertificatesCheck(AgentConfig config, Clock clock) {
    super(ID);
    this.config = config;
    this.clock = clock;
  }

  static boolean relevant(AgentConfig config) {
    return config.provisioning().attestation() instanceof X509Attestation
        || config.provisioning().trustBundle().isPresent();
  }

  @Override
  public List<String> requires() {
    return tokenChain().isPresent()
        ? List.of(KeyFilesCheck.ID, Pkcs11Check.ID)
        : List.of(KeyFilesCheck.ID);
  }

  @Override
  public Verdict run() {
    Instant now = clock.instant();
    List<String> valid = new ArrayList<>();
    Verdict worst = Verdict.ok("");
    try {
      if (config.provisioning().attestation() instanceof X509Attestation x509) {
        List<X509Certificate> chain = deviceChain(x509.identity());
        for (X509Certificate cert : chain) {
          worst =
              worst.worst(judge(cert, "device certificate", source(x509.identity()), now, true));
        }
        valid.add(
            "device certificate "
                + subject(chain.get(0))
                + " valid until "
                + notAfter(chain.get(0)));
      }
      Optional<Path> bundle = config.provisioning().trustBundle();
      if (bundle.isPresent()) {
        List<X509Certificate> cas = Pem.readCertificates(bundle.get());
        if (cas.isEmpty()) {
          throw AgentException.config("trust_bundle " + bundle.get() + " holds no PEM certificate");
        }
        for (X509Certificate ca : cas) {
          worst = worst.worst(judge(ca, "trust bundle CA", bundle.get().toString(), now, false));
        }
        valid.add(
            cas.size()
                + " trust bundle "
                + (cas.size() == 1 ? "CA" : "CAs")
                + " valid until "
                + cas.stream()
                    .map(CertificatesCheck::notAfter)
                    .min(Comparator.naturalOrder())
                    .orElseThrow()
                + " or later");
      }
    } catch (HsmException | AgentException | IOException | GeneralSecurityException e) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "cannot read the certificates: " + e.getMessage(),
          "run dps-agent check again after fixing key-files");
    }
    return worst.status() == Status.OK ? Verdict.ok(String.join("; ", valid)) : worst;
  }

  private Verdict judge(
      X509Certificate cert, String what, String source, Instant now, boolean device) {
    String named = what + " " + subject(cert) + " in " + source;
    Instant notAfter = cert.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      return device
          ? Verdict.error(
              AgentException.Kind.CONFIG,
              named + " expired on " + notAfter,
              "install a renewed certificate (and its chain) in " + source)
          : Verdict.warning(
              named + " expired on " + notAfter, "replace " + source + " with a current CA bundle");
    }
    Instant notBefore = cert.getNotBefore().toInstant();
    if (now.isBefore(notBefore)) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          named + " is not valid before " + notBefore,
          "check the device clock (date -u; timedatectl), or install a certificate valid now");
    }
    if (now.plus(RENEWAL_WINDOW).isAfter(notAfter)) {
      long days = Duration.between(now, notAfter).toDays();
      return Verdict.warning(
          named + " expires on " + notAfter + ", in " + days + (days == 1 ? " day" : " days"),
          "renew it before " + notAfter + (device ? " and install it in " + source : ""));
    }
    return Verdict.ok(named);
  }

  private Optional<KeyUri> tokenChain() {
    return config.provisioning().attestation() instanceof X509Attestation x
            && x.identity() instanceof X509Attestation.TokenKey token
            && token.certificateChain().filter(c -> c.scheme() == KeyUri.Scheme.FILE).isEmpty()
        ? Optional.of(token.privateKey())
        : Optional.empty();
  }

  private List<X509Certificate> deviceChain(X509Attestation.Identity identity)
      throws HsmException, AgentException {
    if (identity instanceof X509Attestation.PemFiles pem) {
      return SoftwareTlsIdentity.readChain(pem.certificateChain().path());
    }
    if (identity instanceof X509Attestation.Pkcs12File p12) {
      return SoftwareTlsIdentity.fromPkcs12(p12.bundle().path(), p12.passwordFile().path())
          .certificateChain();
    }
    X509Attestation.TokenKey token = (X509Attestation.TokenKey) identity;
    Optional<KeyUri> file = token.certificateChain().filter(c -> c.scheme() == KeyUri.Scheme.FILE);
    if (file.isPresent()) {
      return SoftwareTlsIdentity.readChain(file.get().path());
    }
    return Keys.tlsIdentity(Optional.empty(), token.privateKey(), Attestations.keyOptions(config))
        .certificateChain();
  }

  private static String source(X509Attestation.Identity identity) {
    if (identity instanceof X509Attestation.PemFiles pem) {
      return pem.certificateChain().path().toString();
    }
    if (identity instanceof X509Attestation.Pkcs12File p12) {
      return p12.bundle().path().toString();
    }
    X509Attestation.TokenKey token = (X509Attestation.TokenKey) identity;
    return token.certificateChain().orElse(token.privateKey()).toString();
  }

  private static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName();
  }

  private static Instant notAfter(X509Certificate cert) {
    return cert.getNotAfter().toInstant();
  }
}
