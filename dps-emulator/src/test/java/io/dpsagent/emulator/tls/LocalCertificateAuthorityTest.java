package io.dpsagent.emulator.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.TestPki;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {

  private static final int DNS = 2;
  private static final int IP = 7;

  @TempDir Path directory;

  @Test
  void caIsSelfSignedEcCaBackdated() throws Exception {
    X509Certificate ca = LocalCertificateAuthority.create().certificate();

    assertEquals("CN=dps-emulator local CA", ca.getSubjectX500Principal().getName());
    assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
    ca.verify(ca.getPublicKey());
    assertEquals("EC", ca.getPublicKey().getAlgorithm());
    assertTrue(ca.getBasicConstraints() >= 0, "is a CA");
    assertTrue(ca.getNotBefore().before(new Date()));
  }

  @Test
  void serverCertificateCoversLoopbackAndTheHostName() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();

    ServerTlsIdentity identity = ca.issueServerIdentity("dps.example.test");

    X509Certificate server = identity.chain().get(0);
    server.verify(ca.certificate().getPublicKey());
    assertEquals(ca.certificate(), identity.trustAnchor());
    assertEquals(-1, server.getBasicConstraints(), "is not a CA");
    assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    assertEquals(
        Set.of("DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1", "DNS:dps.example.test"),
        subjectAlternativeNames(server));
  }

  @Test
  void serverCertificateAlsoCoversFurtherHostNames() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();

    X509Certificate server =
        ca.issueServerIdentity(
                "127.20.30.40", "127.20.30.41", "service.example.test", "127.20.30.40")
            .chain()
            .get(0);

    assertEquals("CN=127.20.30.40", server.getSubjectX500Principal().getName());
    assertEquals(
        Set.of(
            "DNS:localhost",
            "IP:127.0.0.1",
            "IP:0:0:0:0:0:0:0:1",
            "IP:127.20.30.40",
            "IP:127.20.30.41",
            "DNS:service.example.test"),
        subjectAlternativeNames(server));
    assertEquals(6, server.getSubjectAlternativeNames().size(), "no name twice");
  }

  private static Set<String> subjectAlternativeNames(X509Certificate server) throws Exception {
    Set<String> names = new HashSet<>();
    for (List<?> name : server.getSubjectAlternativeNames()) {
      int type = (Integer) name.get(0);
      String value = (String) name.get(1);
      names.add(
          type == IP
              ? "IP:" + InetAddress.getByName(value).getHostAddress()
              : type == DNS ? "DNS:" + value : "?");
    }
    return names;
  }

  @Test
  void pemRoundTrip() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    Path file = directory.resolve("ca.pem");

    PemFiles.writeCertificate(file, ca.certificate());

    assertEquals(List.of(ca.certificate()), TestPki.readCertificates(file));
    try (var entries = Files.list(directory)) {
      assertEquals(List.of(file), entries.toList(), "no temporary file left");
    }
  }
}
