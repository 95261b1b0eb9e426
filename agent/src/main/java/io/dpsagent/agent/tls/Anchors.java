package io.dpsagent.agent.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust anchors a certificate check runs against, as the PKIX trust manager(s) that hold them:
 * one set, or a bundle's and the system's together, checked against the bundle's alone first.
 *
 * <p>The system's anchors beside a bundle are read only when a chain does not verify against the
 * bundle: reading them parses every certificate of the JDK's store (144 on Debian 12), about 30 ms
 * of a provisioning run of 350, and a device on a private endpoint whose CA is in the bundle never
 * needs them. Nothing is accepted that one trust manager over both sets would refuse, or refused
 * that it would accept: a chain that reaches an anchor of the bundle reaches an anchor of the
 * union, and every other chain is judged, and refused with its reason, by the union's.
 */
abstract class Anchors {

  /** One check of a PKIX trust manager. */
  @FunctionalInterface
  interface Check {
    void run(X509ExtendedTrustManager trust) throws CertificateException;
  }

  /** The trust manager over the union, made on first use. */
  @FunctionalInterface
  interface Union {
    X509ExtendedTrustManager get() throws GeneralSecurityException;
  }

  /** Runs {@code check} against these anchors; throws what the last trust manager asked threw. */
  abstract void check(Check check) throws CertificateException;

  /** Every anchor. */
  abstract X509Certificate[] all();

  /** The anchors {@code pkix} holds. */
  static Anchors of(X509ExtendedTrustManager pkix) {
    return new Anchors() {
      @Override
      void check(Check check) throws CertificateException {
        check.run(pkix);
      }

      @Override
      X509Certificate[] all() {
        return pkix.getAcceptedIssuers();
      }
    };
  }

  /** The anchors of {@code bundle} and those {@code union} adds, the bundle's checked first. */
  static Anchors bundleFirst(X509ExtendedTrustManager bundle, Union union) {
    return new BundleFirst(bundle, union);
  }

  private static final class BundleFirst extends Anchors {
    private final X509ExtendedTrustManager bundle;
    private final Union union;
    private volatile X509ExtendedTrustManager unionTrust;

    BundleFirst(X509ExtendedTrustManager bundle, Union union) {
      this.bundle = bundle;
      this.union = union;
    }

    /**
     * Once the union is read, it alone is asked: it accepts all the bundle does, and a chain to a
     * system anchor is not searched for in the bundle again at every check (chain, then host).
     */
    @Override
    void check(Check check) throws CertificateException {
      X509ExtendedTrustManager read = unionTrust;
      if (read != null) {
        check.run(read);
        return;
      }
      try {
        check.run(bundle);
      } catch (CertificateException notByTheBundle) {
        check.run(union());
      }
    }

    /**
     * All anchors, the system's included: whoever asks wants the whole set. A system store that
     * cannot be read leaves the bundle's, the set every check then trusts.
     */
    @Override
    X509Certificate[] all() {
      try {
        return union().getAcceptedIssuers();
      } catch (CertificateException unreadable) {
        return bundle.getAcceptedIssuers();
      }
    }

    private synchronized X509ExtendedTrustManager union() throws CertificateException {
      if (unionTrust == null) {
        try {
          unionTrust = union.get();
        } catch (GeneralSecurityException e) {
          throw new CertificateException(
              "cannot read the system's trust anchors: " + e.getMessage());
        }
      }
      return unionTrust;
    }
  }
}
