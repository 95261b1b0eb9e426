package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code [provisioning.certificate_issuance]}: its defaults, and each mistake named by key. */
class CertificateIssuanceConfigTest {

  private static final String TABLE =
      "[provisioning.certificate_issuance]\nenabled = true\n"
          + "key = { uri = \"file:///var/lib/dps-agent/device-key.pem\" }\n";

  @RegisterExtension final ConfigFile config = new ConfigFile();

  @Test
  void defaultsToTheGaApiVersionAndDeviceCertPemInTheOutputDirectory() throws Exception {
    ProvisioningConfig p = config.load(ConfigFile.MINIMAL + TABLE).provisioning();

    CertificateIssuance issuance = p.certificateIssuance().orElseThrow();
    assertEquals("file:///var/lib/dps-agent/device-key.pem", issuance.key().toString());
    assertEquals("2026-04-01", issuance.apiVersion());
    assertEquals("2026-04-01", p.apiVersion());
    assertEquals(Path.of("/out/device-cert.pem"), issuance.chainFile(Path.of("/out")));
  }

  @Test
  void thePreviewVersionAndAnOutputFileMayBeChosen() throws Exception {
    CertificateIssuance issuance =
        config
            .load(
                ConfigFile.MINIMAL
                    + TABLE
                    + "api_version = \"2025-07-01-preview\"\noutput = \"/etc/dps-agent/op.pem\"\n")
            .provisioning()
            .certificateIssuance()
            .orElseThrow();

    assertEquals("2025-07-01-preview", issuance.apiVersion());
    assertEquals(Optional.of(Path.of("/etc/dps-agent/op.pem")), issuance.output());
  }

  @Test
  void aDisabledTableSendsNoCsr() throws Exception {
    ProvisioningConfig p =
        config
            .load(ConfigFile.MINIMAL + "[provisioning.certificate_issuance]\nenabled = false\n")
            .provisioning();

    assertEquals(Optional.empty(), p.certificateIssuance());
    assertEquals(ConfigLoader.DEFAULT_API_VERSION, p.apiVersion());
  }

  @Test
  void anApiVersionWithoutCsrIsRefused() {
    String message = config.keyError(ConfigFile.MINIMAL + TABLE + "api_version = \"2021-06-01\"\n");

    assertEquals(
        "provisioning.certificate_issuance.api_version: '2021-06-01' has no certificate"
            + " issuance; use one of [2025-07-01-preview, 2026-04-01]",
        message);
  }

  @Test
  void aDifferentProvisioningApiVersionIsRefused() {
    String message =
        config.keyError(ConfigFile.withProvisioning("api_version = \"2021-06-01\"") + TABLE);

    assertEquals(
        "provisioning.api_version: differs from certificate_issuance.api_version '2026-04-01',"
            + " which registrations with a CSR use; remove one of them",
        message);
  }

  @Test
  void theKeyIsRequired() {
    String message =
        config.keyError(
            ConfigFile.MINIMAL + "[provisioning.certificate_issuance]\nenabled = true\n");

    assertTrue(
        message.startsWith(
            "provisioning.certificate_issuance.key: is missing; name the certificate's key"),
        message);
  }
}
