package io.dpsagent.agent.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PKIX trust in the anchors of a bundle and the system's together, checked against the bundle's
 * alone first. The system's anchors are read only when a chain does not verify against the bundle:
 * reading them parses every certificate of the JDK's store (146 on Debian 12), about 60 ms of a
 * provisioning run that takes 450 ms, and a device on a private endpoint whose CA is in the bundle
 * never needs them.
 *
 * <p>Nothing is accepted that one trust manager over both sets would refuse, or refused that it
 * would accept: a chain that reaches an anchor of the bundle reaches an anchor of the union, and
 * every other chain is judged, and refused with its reason, by the trust manager over the union.
 */
final class BundleFirstTrustManager extends X509ExtendedTrustManager {

  /** The trust manager over the union, made on first use. */
  @FunctionalInterface
  interface Union {
    X509ExtendedTrustManager get() throws GeneralSecurityException;
  }

  @FunctionalInterface
  private interface Check {
    void run(X509ExtendedTrustManager trust) throws CertificateException;
  }

  private final X509ExtendedTrustManager bundle;
  private final Union union;
  private X509ExtendedTrustManager unionTrust;

  BundleFirstTrustManager(X509ExtendedTrustManager bundle, Union union) {
    this.bundle = bundle;
    this.union = union;
  }

  private void check(Check check) throws CertificateException {
    try {
      check.run(bundle);
    } catch (CertificateException notByTheBundle) {
      check.run(union());
    }
  }

  private synchronized X509ExtendedTrustManager union() throws CertificateException {
    if (unionTrust == null) {
      try {
        unionTrust = union.get();
      } catch (GeneralSecurityException e) {
        throw new CertificateException("cannot read the system's trust anchors: " + e.getMessage());
      }
    }
    return unionTrust;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(trust -> trust.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(trust -> trust.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(trust -> trust.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(trust -> trust.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(trust -> trust.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(trust -> trust.checkClientTrusted(chain, authType));
  }

  /** All anchors, the system's included: whoever asks wants the whole set. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    try {
      return union().getAcceptedIssuers();
    } catch (CertificateException e) {
      return bundle.getAcceptedIssuers();
    }
  }
}
