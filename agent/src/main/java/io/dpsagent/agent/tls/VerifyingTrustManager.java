package io.dpsagent.agent.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PKIX verification of the server, host name included, that says which check failed. The JDK
 * reports an expired certificate, an unknown CA and a wrong host name alike as "PKIX path ...
 * failed" or "No subject alternative DNS name matching", and the fix differs for each; so the chain
 * is verified first on its own, then with the host name, and a failure carries its {@link
 * ServerCertificateException.Reason}.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {

  private final Anchors anchors;
  private final Clock clock;

  VerifyingTrustManager(Anchors anchors, Clock clock) {
    this.anchors = anchors;
    this.clock = clock;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    verify(
        chain,
        authType,
        host(session, socket == null ? null : socket.getInetAddress()),
        trust -> trust.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    String host =
        engine == null || engine.getPeerHost() == null ? "the server" : engine.getPeerHost();
    verify(chain, authType, host, trust -> trust.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, authType, "the server", trust -> {});
  }

  /** Verifies the chain on its own, then with what {@code withHost} adds of the connection. */
  private void verify(X509Certificate[] chain, String authType, String host, Anchors.Check withHost)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server sent no certificate");
    }
    try {
      anchors.check(trust -> trust.checkServerTrusted(chain, authType));
    } catch (CertificateException e) {
      throw ServerCertificateException.pathFailed(host, chain, clock.instant(), e);
    }
    try {
      anchors.check(withHost);
    } catch (CertificateException e) {
      // The chain alone passed, so what failed is what only the connection adds: its host name
      // (or, rarely, the session's algorithm constraints, which the JDK words differently).
      if (e.getMessage() != null && e.getMessage().startsWith("No ")) {
        throw ServerCertificateException.hostMismatch(host, chain[0], e);
      }
      throw e;
    }
  }

  private static String host(SSLSession session, java.net.InetAddress address) {
    if (session != null && session.getPeerHost() != null) {
      return session.getPeerHost();
    }
    return address == null ? "the server" : address.getHostAddress();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    anchors.check(trust -> trust.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    anchors.check(trust -> trust.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    anchors.check(trust -> trust.checkClientTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.all();
  }
}
