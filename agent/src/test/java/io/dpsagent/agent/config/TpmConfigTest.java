package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.SCOPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code method = "tpm"} and the {@code [tpm]} table. */
class TpmConfigTest {

  private static final String TPM_METHOD =
      """
      [provisioning.attestation]
      method = "tpm"
      """;

  private static final String TPM = SCOPE + TPM_METHOD;

  @RegisterExtension final ConfigFile config = new ConfigFile();

  @Test
  void tpmDefaultsToTheKernelResourceManagerAndTheIdentityServiceHandle() throws Exception {
    AgentConfig loaded = config.load(TPM);
    assertEquals(new TpmAttestation(Optional.empty()), loaded.provisioning().attestation());
    assertEquals("device:/dev/tpmrm0", loaded.tpm().tcti().toString());
    assertEquals(0x81000100, loaded.tpm().settings().identityKeyHandle());
  }

  @Test
  void tpmSectionIsRead() throws Exception {
    AgentConfig loaded =
        config.load(
            TPM
                + """
                registration_id = "gw-7"
                [tpm]
                tcti = "swtpm:host=127.0.0.1,port=2321"
                auth_key_index = 0x101
                [tpm.hierarchy_authorization]
                endorsement = "e-pass"
                """);
    assertEquals(new TpmAttestation(Optional.of("gw-7")), loaded.provisioning().attestation());
    assertEquals(2321, loaded.tpm().tcti().port());
    assertEquals(0x81000101, loaded.tpm().settings().identityKeyHandle());
    assertEquals(
        "e-pass", new String(loaded.tpm().settings().endorsementAuth(), StandardCharsets.UTF_8));
    assertFalse(loaded.tpm().toString().contains("e-pass"), "hierarchy passwords are never shown");
  }

  @Test
  void aBadTctiIsNamed() {
    assertTrue(
        config
            .error(
                TPM
                    + """
                    [tpm]
                    tcti = "serial:/dev/ttyS0"
                    """)
            .contains("tpm.tcti: "));
  }

  @Test
  void tpmOverMqttIsRefused() {
    assertEquals(
        "config "
            + config
            + ": provisioning.transport: TPM attestation works over HTTPS only (DPS offers no TPM "
            + "challenge over MQTT); set transport = \"https\"",
        config.error(
            SCOPE
                + """
                transport = "mqtt"
                """
                + TPM_METHOD));
  }
}
