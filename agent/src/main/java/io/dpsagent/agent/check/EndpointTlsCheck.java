package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * {@code endpoint-tls}: the TLS handshake on the transport's port succeeds with the server's
 * certificate and host name verified against the system store plus {@code trust_bundle}.
 */
final class EndpointTlsCheck extends NamedCheck {

  static final String ID = "endpoint-tls";

  private final Endpoint endpoint;

  EndpointTlsCheck(Endpoint endpoint) {
    super(ID, List.of(EndpointTcpCheck.ID));
    this.endpoint = endpoint;
  }

  @Override
  public Verdict run() {
    int port = endpoint.port();
    String target = endpoint.describe(port);
    try (SSLSocket socket = endpoint.handshake(port)) {
      X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return Verdict.ok(
          socket.getSession().getProtocol()
              + " with "
              + target
              + ", certificate "
              + server.getSubjectX500Principal().getName()
              + " issued by "
              + server.getIssuerX500Principal().getName()
              + ", valid until "
              + server.getNotAfter().toInstant());
    } catch (SSLException e) {
      return handshakeFailure(e, target);
    } catch (IOException e) {
      return Verdict.error(
          AgentException.Kind.TRANSIENT,
          "TLS with " + target + " failed: " + reason(e),
          notTlsFix());
    } catch (AgentException e) {
      return Verdict.error(e.kind(), e.getMessage(), "correct provisioning.trust_bundle");
    }
  }

  private Verdict handshakeFailure(SSLException e, String target) {
    String trace = causes(e);
    if (trace.contains("unable to find valid certification path") || trace.contains("PKIX path")) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "the certificate of " + target + " is not issued by a trusted CA",
          "add the endpoint's CA (or a TLS-inspecting proxy's CA) to provisioning.trust_bundle");
    }
    if (trace.contains("No subject alternative") || trace.contains("No name matching")) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "the certificate of " + target + " does not name " + endpoint.host(),
          "write the host name the certificate names into global_endpoint");
    }
    if (has(e, CertificateExpiredException.class)
        || has(e, CertificateNotYetValidException.class)) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "the certificate of "
              + target
              + " is outside its validity period for this device's clock",
          "check the device clock (date -u; timedatectl set-ntp true); if it is right, the endpoint's certificate"
              + " has expired");
    }
    return Verdict.error(
        AgentException.Kind.TRANSIENT,
        "TLS handshake with " + target + " failed: " + reason(e),
        notTlsFix());
  }

  private String notTlsFix() {
    return "check that port "
        + endpoint.port()
        + " serves TLS for "
        + endpoint.transport().configName();
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String causes(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t.getMessage()).append(" | ");
    }
    return s.toString();
  }

  /** The innermost message, which says what happened without the JDK's class names. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank()
        ? "connection closed"
        : message.replaceAll("^[\\w.$]+Exception: ", "");
  }
}
