package io.dpsagent.emulator;

import io.dpsagent.common.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client contexts for tests: trusting the emulator's CA file, optionally with a device cert.
 */
public final class TestTls {

  private static final char[] NO_PASSWORD = new char[0];

  private TestTls() {}

  /** Trusts only {@code caFile}; presents no client certificate. */
  public static SSLContext trusting(Path caFile) {
    return context(caFile, null, List.of());
  }

  /**
   * Trusts only {@code caFile} and presents {@code device} followed by {@code intermediates}, as an
   * X.509 device does.
   */
  public static SSLContext withClientCertificate(
      Path caFile, TestPki.Leaf device, X509Certificate... intermediates) {
    return context(caFile, device, List.of(intermediates));
  }

  private static SSLContext context(
      Path caFile, TestPki.Leaf device, List<X509Certificate> intermediates) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trustStore = KeyStore.getInstance("PKCS12");
      trustStore.load(null, null);
      trustStore.setCertificateEntry(
          "dps-emulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          device == null ? null : keyManagers(device, intermediates),
          trust.getTrustManagers(),
          null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // SunX509 hands out the one key it has without judging its validity, so that tests can present
  // expired or untrusted certificates and watch the server refuse them.
  private static javax.net.ssl.KeyManager[] keyManagers(
      TestPki.Leaf device, List<X509Certificate> intermediates)
      throws GeneralSecurityException, IOException {
    List<Certificate> chain = new ArrayList<>();
    chain.add(device.certificate());
    chain.addAll(intermediates);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "device", device.privateKey(), NO_PASSWORD, chain.toArray(Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
    keys.init(keyStore, NO_PASSWORD);
    return keys.getKeyManagers();
  }
}
