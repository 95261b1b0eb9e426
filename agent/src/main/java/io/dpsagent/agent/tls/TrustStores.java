package io.dpsagent.agent.tls;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.FileProblems;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the trust the agent places in DPS: the system's trust anchors plus an optional PEM bundle
 * (for a private DPS endpoint or a TLS-inspecting proxy). Server certificates are always verified,
 * including the host name; there is deliberately no switch to turn that off. A certificate that
 * fails says why ({@link ServerCertificateException}).
 */
public final class TrustStores {

  private TrustStores() {}

  /**
   * An SSL context trusting the system store and the bundle, presenting {@code identity} when the
   * server asks for a client certificate.
   */
  public static SSLContext clientContext(Optional<Path> trustBundle, Optional<TlsIdentity> identity)
      throws AgentException {
    return clientContext(trustManager(trustBundle), identity);
  }

  /** An SSL context trusting {@code trust}, presenting {@code identity} when asked. */
  public static SSLContext clientContext(X509TrustManager trust, Optional<TlsIdentity> identity)
      throws AgentException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keyManagers = identity.map(i -> new KeyManager[] {i.keyManager()}).orElse(null);
      context.init(keyManagers, new javax.net.ssl.TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw AgentException.config("cannot set up TLS: " + e.getMessage());
    }
  }

  /** The system anchors plus those of {@code trustBundle}, as one PKIX trust manager. */
  public static X509TrustManager trustManager(Optional<Path> trustBundle) throws AgentException {
    return trustManager(trustBundle, "trust_bundle");
  }

  /**
   * As {@link #trustManager(Optional)}, naming the bundle's config key {@code key} in messages. A
   * bundle is read, and a bad one refused, here; the system's anchors beside it are read only when
   * a chain does not verify against the bundle alone ({@link Anchors#bundleFirst}).
   */
  public static X509TrustManager trustManager(Optional<Path> trustBundle, String key)
      throws AgentException {
    try {
      Anchors anchors;
      if (trustBundle.isEmpty()) {
        anchors = Anchors.of(pkix(null));
      } else {
        List<X509Certificate> bundle = readBundle(trustBundle.get(), key);
        anchors =
            Anchors.bundleFirst(
                pkix(keyStore(List.of(), bundle)),
                () -> pkix(keyStore(Arrays.asList(systemAnchors()), bundle)));
      }
      return new VerifyingTrustManager(anchors, Clock.systemUTC());
    } catch (GeneralSecurityException e) {
      throw AgentException.config("cannot set up TLS trust: " + e.getMessage());
    }
  }

  /** A PKIX trust manager over {@code anchors}; the system's when null. */
  private static X509ExtendedTrustManager pkix(KeyStore anchors) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(anchors);
    return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
  }

  private static KeyStore keyStore(List<X509Certificate> system, List<X509Certificate> bundle)
      throws GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      anchors.load(null, null);
    } catch (IOException e) {
      throw new KeyStoreException(e); // an empty in-memory store reads no stream
    }
    int n = 0;
    for (X509Certificate ca : system) {
      anchors.setCertificateEntry("system-" + n++, ca);
    }
    for (X509Certificate ca : bundle) {
      anchors.setCertificateEntry("bundle-" + n++, ca);
    }
    return anchors;
  }

  private static X509Certificate[] systemAnchors() throws GeneralSecurityException {
    return pkix(null).getAcceptedIssuers();
  }

  /**
   * The CAs of a PEM bundle, or the one-line message naming {@code key} that the trust manager
   * would fail with. Without the system anchors: checking a bundle needs only the bundle.
   */
  public static List<X509Certificate> readBundle(Path bundle, String key) throws AgentException {
    try {
      List<X509Certificate> certs = Pem.readCertificates(bundle);
      if (certs.isEmpty()) {
        throw AgentException.config(key + " " + bundle + " holds no PEM certificate");
      }
      return certs;
    } catch (NoSuchFileException e) {
      throw AgentException.config(key + " " + bundle + " does not exist");
    } catch (Pem.MalformedPemException | GeneralSecurityException e) {
      throw AgentException.config(key + " " + bundle + " is not a PEM certificate bundle");
    } catch (IOException e) {
      throw AgentException.config(
          "cannot read " + key + " " + bundle + ": " + FileProblems.describe(e));
    }
  }
}
