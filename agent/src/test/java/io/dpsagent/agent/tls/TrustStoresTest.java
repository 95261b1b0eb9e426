package io.dpsagent.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust placed in DPS: system anchors plus a PEM bundle, and what a bad bundle says. */
class TrustStoresTest {

  private static final TestPki.Issuer PRIVATE_CA = TestPki.rootCa("Private DPS Root");
  private static final TestPki.Leaf SERVER = PRIVATE_CA.leaf("dps.example", KeyType.EC_P256);

  @TempDir Path dir;

  @Test
  void theBundleIsTrustedBesideTheSystemAnchors() throws Exception {
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(
        bundle, "# the private endpoint's root\n" + TestPki.pem(PRIVATE_CA.certificate()));

    X509TrustManager trust = TrustStores.trustManager(Optional.of(bundle));

    X509Certificate[] chain = SERVER.chain().toArray(new X509Certificate[0]);
    trust.checkServerTrusted(chain, "ECDHE_ECDSA");
    X509Certificate[] issuers = trust.getAcceptedIssuers();
    assertTrue(Arrays.asList(issuers).contains(PRIVATE_CA.certificate()));
    assertTrue(issuers.length > 1, "the system anchors stay");
  }

  @Test
  void withoutTheBundleAPrivateChainIsUntrusted() throws Exception {
    X509TrustManager trust = TrustStores.trustManager(Optional.empty());

    ServerCertificateException e =
        assertThrows(
            ServerCertificateException.class,
            () ->
                trust.checkServerTrusted(
                    SERVER.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA"));

    assertEquals(ServerCertificateException.Reason.UNTRUSTED, e.reason());
  }

  @Test
  void aMissingBundleSaysSo() {
    Path bundle = dir.resolve("absent.pem");
    assertEquals("trust_bundle " + bundle + " does not exist", configError(bundle));
  }

  @Test
  void aBundleWithoutCertificatesSaysSo() throws Exception {
    Path bundle = dir.resolve("empty.pem");
    Files.writeString(bundle, "just text\n");
    assertEquals("trust_bundle " + bundle + " holds no PEM certificate", configError(bundle));
  }

  @Test
  void aDamagedBundleSaysSoWithoutEchoingIt() throws Exception {
    Path bundle = dir.resolve("damaged.pem");
    Files.writeString(
        bundle, "-----BEGIN CERTIFICATE-----\nMIIBsecret\n-----END CERTIFICATE-----\n");
    assertEquals(
        "trust_bundle " + bundle + " is not a PEM certificate bundle", configError(bundle));
  }

  @Test
  void aClientContextIsTls() throws Exception {
    assertEquals(
        "TLS", TrustStores.clientContext(Optional.empty(), Optional.empty()).getProtocol());
  }

  private static String configError(Path bundle) {
    AgentException e =
        assertThrows(AgentException.class, () -> TrustStores.trustManager(Optional.of(bundle)));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    return e.getMessage();
  }
}
