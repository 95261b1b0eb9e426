package io.dpsagent.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/** Trust in a bundle and the system's anchors, the bundle's checked alone first. */
class AnchorsTest {

  private static final TestPki.Issuer BUNDLE_CA = TestPki.rootCa("Private DPS Root");
  private static final TestPki.Issuer SYSTEM_CA = TestPki.rootCa("Public Root");
  private static final TestPki.Issuer OTHER_CA = TestPki.rootCa("Nobody's Root");

  private final AtomicInteger unionsMade = new AtomicInteger();

  private final VerifyingTrustManager trust =
      new VerifyingTrustManager(
          Anchors.bundleFirst(
              pkix(BUNDLE_CA),
              () -> {
                unionsMade.incrementAndGet();
                return pkix(SYSTEM_CA, BUNDLE_CA);
              }),
          Clock.systemUTC());

  @Test
  void aChainToTheBundleIsTrustedWithoutReadingTheSystemAnchors() throws Exception {
    trust.checkServerTrusted(chainOf(BUNDLE_CA), "ECDHE_ECDSA");
    trust.checkServerTrusted(chainOf(BUNDLE_CA), "ECDHE_ECDSA", (java.net.Socket) null);

    assertEquals(0, unionsMade.get());
  }

  @Test
  void aChainToASystemAnchorIsTrustedAndTheSystemAnchorsAreReadOnce() throws Exception {
    trust.checkServerTrusted(chainOf(SYSTEM_CA), "ECDHE_ECDSA");
    trust.checkServerTrusted(chainOf(SYSTEM_CA), "ECDHE_ECDSA", (javax.net.ssl.SSLEngine) null);

    assertEquals(1, unionsMade.get());
  }

  @Test
  void aChainToNeitherIsRefusedWithTheReasonOfTheUnion() throws Exception {
    X509Certificate[] chain = chainOf(OTHER_CA);
    CertificateException byTheUnion =
        assertThrows(
            CertificateException.class,
            () -> pkix(SYSTEM_CA, BUNDLE_CA).checkServerTrusted(chain, "ECDHE_ECDSA"));

    ServerCertificateException e =
        assertThrows(
            ServerCertificateException.class, () -> trust.checkServerTrusted(chain, "ECDHE_ECDSA"));

    assertEquals(ServerCertificateException.Reason.UNTRUSTED, e.reason());
    assertEquals(byTheUnion.getMessage(), e.getCause().getMessage());
    assertEquals(1, unionsMade.get());
  }

  @Test
  void clientChainsAreJudgedTheSameWay() throws Exception {
    trust.checkClientTrusted(chainOf(BUNDLE_CA), "ECDHE_ECDSA");
    assertEquals(0, unionsMade.get());
    trust.checkClientTrusted(chainOf(SYSTEM_CA), "ECDHE_ECDSA");
    assertEquals(1, unionsMade.get());
    assertThrows(
        CertificateException.class, () -> trust.checkClientTrusted(chainOf(OTHER_CA), "RSA"));
  }

  @Test
  void theAcceptedIssuersAreTheWholeSet() {
    assertTrue(
        Arrays.asList(trust.getAcceptedIssuers())
            .containsAll(Arrays.asList(BUNDLE_CA.certificate(), SYSTEM_CA.certificate())));
  }

  @Test
  void anUnreadableSystemStoreIsNamedWhenAChainNeedsIt() throws Exception {
    VerifyingTrustManager broken =
        new VerifyingTrustManager(
            Anchors.bundleFirst(
                pkix(BUNDLE_CA),
                () -> {
                  throw new KeyStoreException("cacerts: Integrity check failed");
                }),
            Clock.systemUTC());
    broken.checkServerTrusted(chainOf(BUNDLE_CA), "ECDHE_ECDSA");

    ServerCertificateException e =
        assertThrows(
            ServerCertificateException.class,
            () -> broken.checkServerTrusted(chainOf(SYSTEM_CA), "ECDHE_ECDSA"));

    assertEquals(
        "cannot read the system's trust anchors: cacerts: Integrity check failed",
        e.getCause().getMessage());
  }

  private static X509Certificate[] chainOf(TestPki.Issuer ca) {
    return ca.leaf("dps.example", KeyType.EC_P256).chain().toArray(new X509Certificate[0]);
  }

  private static X509ExtendedTrustManager pkix(TestPki.Issuer... cas) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      for (TestPki.Issuer ca : cas) {
        anchors.setCertificateEntry(
            ca.certificate().getSubjectX500Principal().getName(), ca.certificate());
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
