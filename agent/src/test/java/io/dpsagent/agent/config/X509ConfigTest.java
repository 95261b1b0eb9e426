package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.X509;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code method = "x509"}: the identity as PEM files or as a PKCS#12 file, never both. */
class X509ConfigTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  private X509Attestation attestation(String toml) throws Exception {
    return (X509Attestation) config.load(toml).provisioning().attestation();
  }

  @Test
  void x509WithPemFilesAndNoRegistrationId() throws Exception {
    X509Attestation x509 =
        attestation(
            X509
                + """
                identity_cert = { uri = "file:///etc/dps-agent/chain.pem" }
                identity_pk = { uri = "file:///etc/dps-agent/device.key" }
                """);
    assertEquals(Optional.empty(), x509.registrationId());
    X509Attestation.PemFiles files = (X509Attestation.PemFiles) x509.identity();
    assertEquals(Path.of("/etc/dps-agent/chain.pem"), files.certificateChain().path());
    assertEquals(Path.of("/etc/dps-agent/device.key"), files.privateKey().path());
  }

  @Test
  void x509WithPkcs12() throws Exception {
    X509Attestation x509 =
        attestation(
            X509
                + """
                registration_id = "gw-1"
                identity_pkcs12 = { uri = "file:///etc/d.p12", password_uri = "file:///etc/d.pass" }
                """);
    assertEquals(Optional.of("gw-1"), x509.registrationId());
    X509Attestation.Pkcs12File p12 = (X509Attestation.Pkcs12File) x509.identity();
    assertEquals(Path.of("/etc/d.pass"), p12.passwordFile().path());
  }

  @Test
  void x509NeedsBothPemFiles() {
    assertEquals(
        "config "
            + config
            + ": provisioning.attestation.identity_pk: is missing; X.509 needs both "
            + "identity_cert (PEM chain) and identity_pk (private key)",
        config.error(
            X509
                + """
                identity_cert = { uri = "file:///etc/dps-agent/chain.pem" }
                """));
  }

  @Test
  void x509RejectsPemAndPkcs12Together() {
    assertTrue(
        config
            .error(
                X509
                    + """
                    identity_cert = { uri = "file:///a.pem" }
                    identity_pkcs12 = { uri = "file:///d.p12", password_uri = "file:///d.pass" }
                    """)
            .endsWith(
                "provisioning.attestation.identity_cert: set identity_cert and identity_pk (PEM files), "
                    + "or identity_pkcs12 = { uri = ..., password_uri = ... }"));
  }

  @Test
  void pkcs12NeedsItsPasswordFile() {
    assertTrue(
        config
            .error(
                X509
                    + """
                    identity_pkcs12 = { uri = "file:///d.p12" }
                    """)
            .contains("provisioning.attestation.identity_pkcs12.password_uri: is missing;"));
  }
}
