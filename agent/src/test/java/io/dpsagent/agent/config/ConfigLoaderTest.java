package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.AgentException.Kind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String MINIMAL =
      String.join(
          "\n",
          "[provisioning]",
          "id_scope = \"0ne00000042\"",
          "[provisioning.attestation]",
          "method = \"symmetric_key\"",
          "registration_id = \"gw-0042\"",
          "symmetric_key = { uri = \"file:///etc/dps-agent/device.key\" }",
          "");

  @TempDir Path dir;

  private AgentConfig load(String toml) throws Exception {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, toml);
    return new ConfigLoader().load(file);
  }

  private String error(String toml) {
    AgentException e = assertThrows(AgentException.class, () -> load(toml));
    assertEquals(Kind.CONFIG, e.kind());
    return e.getMessage();
  }

  private String file() {
    return dir.resolve("config.toml").toString();
  }

  @Test
  void minimalConfigGetsDocumentedDefaults() throws Exception {
    AgentConfig config = load(MINIMAL);
    ProvisioningConfig p = config.provisioning();
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
    assertEquals(Path.of("/var/lib/dps-agent"), config.output().dir());
    assertTrue(config.output().connectionString());
    assertFalse(config.output().groupReadable());
    assertEquals(Optional.empty(), p.payload());
  }

  @Test
  void theRetiredRetryAfterCapStillLoadsButIsRangeChecked() throws Exception {
    load(
        MINIMAL
            + "[provisioning.retry]\nretry_after_max_seconds = 60\nretry_after_min_seconds = 120\n");
    assertEquals(
        "config "
            + file()
            + ": provisioning.retry.retry_after_max_seconds: 0 is out of range; use 1..3600",
        error(MINIMAL + "[provisioning.retry]\nretry_after_max_seconds = 0\n"));
  }

  @Test
  void endpointPortAndGroupKeyAreRead() throws Exception {
    AgentConfig config =
        load(
            MINIMAL
                .replace(
                    "[provisioning]\n", "[provisioning]\nglobal_endpoint = \"localhost:8443\"\n")
                .replace("symmetric_key = {", "group_key = {"));
    assertEquals(
        URI.create("https://localhost:8443"), config.provisioning().endpoint().httpsBase());
    assertTrue(
        ((SymmetricKeyAttestation) config.provisioning().attestation()).deriveFromGroupKey());
  }

  @Test
  void unknownKeyIsNamedWithItsSectionAndFile() {
    assertEquals(
        "config "
            + file()
            + ": provisioning.attestation.registration_idd: unknown key; check its spelling and section",
        error(
            MINIMAL.replace(
                "registration_id = \"gw-0042\"",
                "registration_id = \"gw-0042\"\nregistration_idd = \"x\"")));
  }

  @Test
  void unknownSectionIsAnError() {
    assertEquals(
        "config " + file() + ": outptu: unknown key; check its spelling and section",
        error(MINIMAL + "[outptu]\ndir = \"/tmp\"\n"));
  }

  @Test
  void wrongTypeNamesTheKey() {
    assertEquals(
        "config " + file() + ": provisioning.retry.max_attempts: must be an integer",
        error(MINIMAL + "[provisioning.retry]\nmax_attempts = \"five\"\n"));
  }

  @Test
  void outOfRangeNamesTheRange() {
    assertEquals(
        "config " + file() + ": provisioning.retry.max_attempts: 0 is out of range; use 1..100",
        error(MINIMAL + "[provisioning.retry]\nmax_attempts = 0\n"));
  }

  @Test
  void missingIdScopeSaysWhatToSet() {
    assertEquals(
        "config "
            + file()
            + ": provisioning.id_scope: is missing; set it to the ID scope of your DPS instance, e.g. 0ne00000000",
        error(MINIMAL.replace("id_scope = \"0ne00000042\"\n", "")));
  }

  @Test
  void invalidRegistrationIdIsAConfigError() {
    assertEquals(
        "config "
            + file()
            + ": provisioning.attestation.registration_id: registration ID 'gw_' is invalid; "
            + "use letters, digits and - . _ : only, ending in a letter, digit or -",
        error(MINIMAL.replace("\"gw-0042\"", "\"gw_\"")));
  }

  @Test
  void bothDeviceAndGroupKeyIsAnError() {
    String message =
        error(
            MINIMAL.replace(
                "[provisioning.attestation]\n",
                "[provisioning.attestation]\ngroup_key = { uri = \"file:///etc/g.key\" }\n"));
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
            + file()
            + ": provisioning.attestation.method: 'magic' is not supported; use "
            + "\"symmetric_key\", \"x509\" or \"tpm\"",
        error(MINIMAL.replace("\"symmetric_key\"\n", "\"magic\"\n")));
  }

  @Test
  void relativeKeyUriIsRejected() {
    assertTrue(
        error(MINIMAL.replace("file:///etc/dps-agent/device.key", "file:device.key"))
            .contains(
                "provisioning.attestation.symmetric_key.uri: key URI 'file:device.key' must name an absolute local path"));
  }

  @Test
  void invalidTomlGivesTheLine() {
    String message = error("[provisioning]\nid_scope = \n");
    assertTrue(message.startsWith("config " + file() + " is not valid TOML: "), message);
    assertTrue(message.endsWith("(line 2)"), message);
  }

  @Test
  void missingFileSaysSo() {
    AgentException e =
        assertThrows(AgentException.class, () -> new ConfigLoader().load(dir.resolve("nope.toml")));
    assertEquals(
        "config " + dir.resolve("nope.toml") + " does not exist; pass --config FILE",
        e.getMessage());
  }

  @Test
  void payloadMustBeAJsonObject() throws Exception {
    assertEquals(
        Optional.of("{\"modelId\":\"dtmi:x;1\"}"),
        load(MINIMAL.replace(
                "[provisioning.attestation]",
                "payload = { json = '{\"modelId\": \"dtmi:x;1\"}' }\n[provisioning.attestation]"))
            .provisioning()
            .payload());
    assertEquals(
        "config " + file() + ": provisioning.payload.json: the payload must be a JSON object",
        error(
            MINIMAL.replace(
                "[provisioning.attestation]",
                "payload = { json = '[1,2]' }\n[provisioning.attestation]")));
  }

  @Test
  void endpointWithAPathIsRejected() {
    assertTrue(
        error(
                MINIMAL.replace(
                    "[provisioning]\n",
                    "[provisioning]\nglobal_endpoint = \"https://dps.example/x\"\n"))
            .contains(
                "provisioning.global_endpoint: 'https://dps.example/x' must be just a host and optional port"));
  }

  @Test
  void relativeOutputDirIsRejected() {
    assertEquals(
        "config " + file() + ": output.dir: 'out' must be an absolute path",
        error(MINIMAL + "[output]\ndir = \"out\"\n"));
  }

  private static final String X509 =
      String.join(
          "\n",
          "[provisioning]",
          "id_scope = \"0ne00000042\"",
          "[provisioning.attestation]",
          "method = \"x509\"",
          "");

  @Test
  void x509WithPemFilesAndNoRegistrationId() throws Exception {
    X509Attestation x509 =
        (X509Attestation)
            load(X509
                    + "identity_cert = { uri = \"file:///etc/dps-agent/chain.pem\" }\n"
                    + "identity_pk = { uri = \"file:///etc/dps-agent/device.key\" }\n")
                .provisioning()
                .attestation();
    assertEquals(Optional.empty(), x509.registrationId());
    X509Attestation.PemFiles files = (X509Attestation.PemFiles) x509.identity();
    assertEquals(Path.of("/etc/dps-agent/chain.pem"), files.certificateChain().path());
    assertEquals(Path.of("/etc/dps-agent/device.key"), files.privateKey().path());
  }

  @Test
  void x509WithPkcs12() throws Exception {
    X509Attestation x509 =
        (X509Attestation)
            load(X509
                    + "registration_id = \"gw-1\"\n"
                    + "identity_pkcs12 = { uri = \"file:///etc/d.p12\", password_uri = \"file:///etc/d.pass\" }\n")
                .provisioning()
                .attestation();
    assertEquals(Optional.of("gw-1"), x509.registrationId());
    X509Attestation.Pkcs12File p12 = (X509Attestation.Pkcs12File) x509.identity();
    assertEquals(Path.of("/etc/d.pass"), p12.passwordFile().path());
  }

  @Test
  void x509NeedsBothPemFiles() {
    assertEquals(
        "config "
            + file()
            + ": provisioning.attestation.identity_pk: is missing; X.509 needs both "
            + "identity_cert (PEM chain) and identity_pk (private key)",
        error(X509 + "identity_cert = { uri = \"file:///etc/dps-agent/chain.pem\" }\n"));
  }

  @Test
  void x509RejectsPemAndPkcs12Together() {
    assertTrue(
        error(
                X509
                    + "identity_cert = { uri = \"file:///a.pem\" }\n"
                    + "identity_pkcs12 = { uri = \"file:///d.p12\", password_uri = \"file:///d.pass\" }\n")
            .endsWith(
                "provisioning.attestation.identity_cert: set identity_cert and identity_pk (PEM files), "
                    + "or identity_pkcs12 = { uri = ..., password_uri = ... }"));
  }

  @Test
  void pkcs12NeedsItsPasswordFile() {
    assertTrue(
        error(X509 + "identity_pkcs12 = { uri = \"file:///d.p12\" }\n")
            .contains("provisioning.attestation.identity_pkcs12.password_uri: is missing;"));
  }

  @Test
  void dropInsMergeInNameOrderAndLaterFilesWin() throws Exception {
    Path dropIns = Files.createDirectory(dir.resolve("config.d"));
    Files.writeString(
        dropIns.resolve("10-endpoint.toml"),
        "[provisioning]\nglobal_endpoint = \"dps-a.example\"\n");
    Files.writeString(
        dropIns.resolve("20-endpoint.toml"),
        "[provisioning]\nglobal_endpoint = \"dps-b.example:8443\"\n[provisioning.retry]\nmax_attempts = 9\n");
    Files.writeString(dropIns.resolve("ignored.txt"), "not toml");
    AgentConfig config = load(MINIMAL);
    assertEquals(
        URI.create("https://dps-b.example:8443"), config.provisioning().endpoint().httpsBase());
    assertEquals(9, config.provisioning().retry().maxAttempts());
    assertEquals(
        "0ne00000042",
        config.provisioning().idScope(),
        "keys of the main file stay unless overridden");
  }

  @Test
  void anErrorInADropInNamesTheDropIn() throws Exception {
    Path dropIns = Files.createDirectory(dir.resolve("config.d"));
    Files.writeString(dropIns.resolve("50-retry.toml"), "[provisioning.retry]\nmax_atempts = 3\n");
    assertEquals(
        "config "
            + dropIns.resolve("50-retry.toml")
            + ": provisioning.retry.max_atempts: unknown key; "
            + "check its spelling and section",
        error(MINIMAL));
  }

  @Test
  void environmentOverridesEndpointScopeAndRegistrationId() throws Exception {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, MINIMAL);
    AgentConfig config =
        new ConfigLoader(
                java.util.Map.of(
                    "DPS_AGENT_GLOBAL_ENDPOINT", "https://dps.internal:9443",
                    "DPS_AGENT_ID_SCOPE", "0ne000000FF",
                    "DPS_AGENT_REGISTRATION_ID", "container-7",
                    "UNRELATED", "x"))
            .load(file);
    assertEquals(
        URI.create("https://dps.internal:9443"), config.provisioning().endpoint().httpsBase());
    assertEquals("0ne000000FF", config.provisioning().idScope());
    assertEquals(
        "container-7",
        ((SymmetricKeyAttestation) config.provisioning().attestation()).registrationId());
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() throws Exception {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, MINIMAL);
    AgentException e =
        assertThrows(
            AgentException.class,
            () -> new ConfigLoader(java.util.Map.of("DPS_AGENT_ID_SCOPE", "0ne/../x")).load(file));
    assertEquals(
        "config environment variable DPS_AGENT_ID_SCOPE: provisioning.id_scope: '0ne/../x' is not an ID scope; "
            + "it is letters and digits, e.g. 0ne00000000",
        e.getMessage());
  }

  private static final String TPM =
      String.join(
          "\n",
          "[provisioning]",
          "id_scope = \"0ne00000042\"",
          "[provisioning.attestation]",
          "method = \"tpm\"",
          "");

  @Test
  void tpmDefaultsToTheKernelResourceManagerAndTheIdentityServiceHandle() throws Exception {
    AgentConfig config = load(TPM);
    assertEquals(new TpmAttestation(Optional.empty()), config.provisioning().attestation());
    assertEquals("device:/dev/tpmrm0", config.tpm().tcti().toString());
    assertEquals(0x81000100, config.tpm().settings().identityKeyHandle());
  }

  @Test
  void tpmSectionIsRead() throws Exception {
    AgentConfig config =
        load(
            TPM
                + "registration_id = \"gw-7\"\n[tpm]\ntcti = \"swtpm:host=127.0.0.1,port=2321\"\n"
                + "auth_key_index = 0x101\n[tpm.hierarchy_authorization]\nendorsement = \"e-pass\"\n");
    assertEquals(new TpmAttestation(Optional.of("gw-7")), config.provisioning().attestation());
    assertEquals(2321, config.tpm().tcti().port());
    assertEquals(0x81000101, config.tpm().settings().identityKeyHandle());
    assertEquals(
        "e-pass",
        new String(
            config.tpm().settings().endorsementAuth(), java.nio.charset.StandardCharsets.UTF_8));
    assertFalse(config.tpm().toString().contains("e-pass"), "hierarchy passwords are never shown");
  }

  @Test
  void aBadTctiIsNamed() {
    assertTrue(error(TPM + "[tpm]\ntcti = \"serial:/dev/ttyS0\"\n").contains("tpm.tcti: "));
  }

  @Test
  void tpmOverMqttIsRefused() {
    assertEquals(
        "config "
            + file()
            + ": provisioning.transport: TPM attestation works over HTTPS only (DPS offers no TPM "
            + "challenge over MQTT); set transport = \"https\"",
        error(
            TPM.replace(
                "[provisioning.attestation]", "transport = \"mqtt\"\n[provisioning.attestation]")));
  }

  @Test
  void daemonTokenSettingsAreRead() throws Exception {
    AgentConfig config =
        load(
            MINIMAL
                + "[output]\ntoken_dir = \"/run/app\"\ntoken_group = \"app\"\ntoken_ttl_seconds = 900\n");
    assertEquals(Path.of("/run/app"), config.output().tokenDir());
    assertEquals(Optional.of("app"), config.output().tokenGroup());
    assertEquals(Duration.ofMinutes(15), config.output().tokenTtl());
    assertEquals(Path.of("/run/dps-agent"), load(MINIMAL).output().tokenDir());
  }
}
