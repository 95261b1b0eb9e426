package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.MINIMAL;
import static io.dpsagent.agent.config.ConfigFile.SCOPE;
import static io.dpsagent.agent.config.ConfigFile.SYMMETRIC_KEY;
import static io.dpsagent.agent.config.ConfigFile.minimalWith;
import static io.dpsagent.agent.config.ConfigFile.withProvisioning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The main config file: its defaults, the keys of a symmetric-key device, and errors in it. */
class ConfigLoaderTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  @Test
  void minimalConfigGetsDocumentedDefaults() throws Exception {
    AgentConfig loaded = config.load(MINIMAL);
    ProvisioningConfig p = loaded.provisioning();
    assertEquals(
        URI.create("https://global.azure-devices-provisioning.net:443"), p.endpoint().httpsBase());
    assertEquals("0ne00000042", p.idScope());
    assertEquals(Transport.HTTPS, p.transport());
    assertEquals("2021-06-01", p.apiVersion());
    SymmetricKeyAttestation attestation = (SymmetricKeyAttestation) p.attestation();
    assertEquals("gw-0042", attestation.registrationId());
    assertEquals(Path.of("/etc/dps-agent/device.key"), attestation.key().path());
    assertFalse(attestation.deriveFromGroupKey());
    assertEquals(3600, attestation.sasTtlSeconds());
    assertEquals(10, p.retry().maxAttempts(), "room for a DPS quota counted per minute");
    assertEquals(Duration.ofSeconds(300), p.retry().maxElapsed());
    assertEquals(
        Duration.ofSeconds(2), p.retry().initialBackoff(), "equal jitter: no wait below 1 s");
    assertEquals(Duration.ofSeconds(60), p.retry().maxBackoff());
    assertEquals(Duration.ofSeconds(30), p.retry().requestTimeout());
    assertEquals(Path.of("/var/lib/dps-agent"), loaded.output().dir());
    assertTrue(loaded.output().connectionString());
    assertFalse(loaded.output().groupReadable());
    assertEquals(Optional.empty(), p.payload());
  }

  @Test
  void theRetiredRetryAfterCapStillLoadsButIsRangeChecked() throws Exception {
    config.load(
        MINIMAL
            + """
            [provisioning.retry]
            retry_after_max_seconds = 60
            retry_after_min_seconds = 120
            """);
    assertEquals(
        "config "
            + config
            + ": provisioning.retry.retry_after_max_seconds: 0 is out of range; use 1..3600",
        config.error(
            MINIMAL
                + """
                [provisioning.retry]
                retry_after_max_seconds = 0
                """));
  }

  @Test
  void endpointPortAndGroupKeyAreRead() throws Exception {
    AgentConfig loaded =
        config.load(
            SCOPE
                + """
                global_endpoint = "localhost:8443"
                [provisioning.attestation]
                method = "symmetric_key"
                registration_id = "gw-0042"
                group_key = { uri = "file:///etc/dps-agent/device.key" }
                """);
    assertEquals(
        URI.create("https://localhost:8443"), loaded.provisioning().endpoint().httpsBase());
    assertTrue(
        ((SymmetricKeyAttestation) loaded.provisioning().attestation()).deriveFromGroupKey());
  }

  @Test
  void unknownKeyIsNamedWithItsSectionAndFile() {
    assertEquals(
        "config "
            + config
            + ": provisioning.attestation.registration_idd: unknown key; check its spelling and section",
        config.error(
            MINIMAL
                + """
                registration_idd = "x"
                """));
  }

  @Test
  void unknownSectionIsAnError() {
    assertEquals(
        "config " + config + ": outptu: unknown key; check its spelling and section",
        config.error(
            MINIMAL
                + """
                [outptu]
                dir = "/tmp"
                """));
  }

  @Test
  void wrongTypeNamesTheKey() {
    assertEquals(
        "config " + config + ": provisioning.retry.max_attempts: must be an integer",
        config.error(
            MINIMAL
                + """
                [provisioning.retry]
                max_attempts = "five"
                """));
  }

  @Test
  void outOfRangeNamesTheRange() {
    assertEquals(
        "config " + config + ": provisioning.retry.max_attempts: 0 is out of range; use 1..100",
        config.error(
            MINIMAL
                + """
                [provisioning.retry]
                max_attempts = 0
                """));
  }

  @Test
  void missingIdScopeSaysWhatToSet() {
    assertEquals(
        "config "
            + config
            + ": provisioning.id_scope: is missing; set it to the ID scope of your DPS instance, e.g. 0ne00000000",
        config.error("[provisioning]\n" + SYMMETRIC_KEY));
  }

  @Test
  void invalidRegistrationIdIsAConfigError() {
    assertEquals(
        "config "
            + config
            + ": provisioning.attestation.registration_id: registration ID 'gw_' is invalid; "
            + "use letters, digits and - . _ : only, ending in a letter, digit or -",
        config.error(minimalWith("registration_id = \"gw-0042\"", "registration_id = \"gw_\"")));
  }

  @Test
  void bothDeviceAndGroupKeyIsAnError() {
    String message =
        config.error(
            MINIMAL
                + """
                group_key = { uri = "file:///etc/g.key" }
                """);
    assertTrue(
        message.endsWith(
            "provisioning.attestation.symmetric_key: set exactly one of symmetric_key = "
                + "{ uri = \"file:///...\" } or group_key = { uri = \"file:///...\" }"),
        message);
  }

  @Test
  void unsupportedMethodIsNamed() {
    assertEquals(
        "config "
            + config
            + ": provisioning.attestation.method: 'magic' is not supported; use "
            + "\"symmetric_key\", \"x509\" or \"tpm\"",
        config.error(minimalWith("method = \"symmetric_key\"", "method = \"magic\"")));
  }

  @Test
  void relativeKeyUriIsRejected() {
    assertTrue(
        config
            .error(
                minimalWith(
                    "symmetric_key = { uri = \"file:///etc/dps-agent/device.key\" }",
                    "symmetric_key = { uri = \"file:device.key\" }"))
            .contains(
                "provisioning.attestation.symmetric_key.uri: key URI 'file:device.key' must name an absolute local path"));
  }

  @Test
  void invalidTomlGivesTheLine() {
    String message =
        config.error(
            """
            [provisioning]
            id_scope =\s
            """);
    assertTrue(message.startsWith("config " + config + " is not valid TOML: "), message);
    assertTrue(message.endsWith("(line 2)"), message);
  }

  @Test
  void missingFileSaysSo() {
    AgentException e =
        assertThrows(
            AgentException.class, () -> new ConfigLoader().load(config.beside("nope.toml")));
    assertEquals(
        "config " + config.beside("nope.toml") + " does not exist; pass --config FILE",
        e.getMessage());
  }

  @Test
  void payloadMustBeAJsonObject() throws Exception {
    assertEquals(
        Optional.of("{\"modelId\":\"dtmi:x;1\"}"),
        config
            .load(withProvisioning("payload = { json = '{\"modelId\": \"dtmi:x;1\"}' }"))
            .provisioning()
            .payload());
    assertEquals(
        "config " + config + ": provisioning.payload.json: the payload must be a JSON object",
        config.error(withProvisioning("payload = { json = '[1,2]' }")));
  }

  @Test
  void endpointWithAPathIsRejected() {
    assertTrue(
        config
            .error(withProvisioning("global_endpoint = \"https://dps.example/x\""))
            .contains(
                "provisioning.global_endpoint: 'https://dps.example/x' must be just a host and optional port"));
  }

  @Test
  void relativeOutputDirIsRejected() {
    assertEquals(
        "config " + config + ": output.dir: 'out' must be an absolute path",
        config.error(
            MINIMAL
                + """
                [output]
                dir = "out"
                """));
  }

  @Test
  void daemonTokenSettingsAreRead() throws Exception {
    AgentConfig loaded =
        config.load(
            MINIMAL
                + """
                [output]
                token_dir = "/run/app"
                token_group = "app"
                token_ttl_seconds = 900
                """);
    assertEquals(Path.of("/run/app"), loaded.output().tokenDir());
    assertEquals(Optional.of("app"), loaded.output().tokenGroup());
    assertEquals(Duration.ofMinutes(15), loaded.output().tokenTtl());
    assertEquals(Path.of("/run/dps-agent"), config.load(MINIMAL).output().tokenDir());
  }
}
