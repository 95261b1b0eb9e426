package io.dpsagent.agent.tls;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The server's certificate failed verification, with the reason a person can act on: the host name
 * it is for, the date it expired, or the CA that is not trusted. Its message is that one line.
 */
public final class ServerCertificateException extends CertificateException {

  /** Why verification failed. */
  public enum Reason {
    HOST_NAME,
    EXPIRED,
    NOT_YET_VALID,
    UNTRUSTED
  }

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private final Reason reason;

  private ServerCertificateException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The chain did not verify: a certificate outside its dates, else an issuer nobody trusts. */
  static ServerCertificateException pathFailed(
      String host, X509Certificate[] chain, Instant now, CertificateException cause) {
    for (X509Certificate cert : chain) {
      if (now.isAfter(cert.getNotAfter().toInstant())) {
        return new ServerCertificateException(
            Reason.EXPIRED,
            "the certificate of "
                + host
                + " expired on "
                + cert.getNotAfter().toInstant()
                + whose(chain, cert)
                + "; renew it on the server, or fix this device's clock if that date is wrong",
            cause);
      }
      if (now.isBefore(cert.getNotBefore().toInstant())) {
        return new ServerCertificateException(
            Reason.NOT_YET_VALID,
            "the certificate of "
                + host
                + " is valid only from "
                + cert.getNotBefore().toInstant()
                + whose(chain, cert)
                + "; fix this device's clock (NTP) or the server's certificate",
            cause);
      }
    }
    X509Certificate top = chain[chain.length - 1];
    return new ServerCertificateException(
        Reason.UNTRUSTED,
        "the certificate of "
            + host
            + " is issued by '"
            + top.getIssuerX500Principal().getName()
            + "', which this device does not trust;"
            + " add its CA to provisioning.trust_bundle",
        cause);
  }

  /** The chain verified but does not name the host the agent connected to. */
  static ServerCertificateException hostMismatch(
      String host, X509Certificate leaf, CertificateException cause) {
    return new ServerCertificateException(
        Reason.HOST_NAME,
        "the certificate of "
            + host
            + " is for "
            + String.join(", ", names(leaf))
            + "; use a global_endpoint host name it names",
        cause);
  }

  private static String whose(X509Certificate[] chain, X509Certificate cert) {
    return cert == chain[0]
        ? ""
        : " (its issuer '" + cert.getSubjectX500Principal().getName() + "')";
  }

  /** The DNS names and IP addresses a certificate is for; its subject when it lists none. */
  static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(cert)) {
      Object type = san.get(0);
      if ((Integer.valueOf(SAN_DNS).equals(type) || Integer.valueOf(SAN_IP).equals(type))
          && san.get(1) != null) {
        names.add(san.get(1).toString());
      }
    }
    if (names.isEmpty()) {
      names.add(commonName(cert));
    }
    return names;
  }

  /**
   * The subject's CN, which host name verification falls back to; the whole subject if it has none.
   */
  private static String commonName(X509Certificate cert) {
    String subject = cert.getSubjectX500Principal().getName();
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // fall through to the whole subject
    }
    return subject;
  }

  private static Collection<List<?>> subjectAlternativeNames(X509Certificate cert) {
    try {
      return Optional.ofNullable(cert.getSubjectAlternativeNames()).orElse(List.of());
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
