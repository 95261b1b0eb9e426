package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bugs the config fuzz target found, one test each. */
class ConfigRegressionTest {

  private static final String MINIMAL =
      "[provisioning]\nid_scope = \"0ne00000042\"\n[provisioning.attestation]\n"
          + "method = \"symmetric_key\"\nregistration_id = \"gw-0042\"\n"
          + "symmetric_key = { uri = \"file:///etc/dps-agent/device.key\" }\n";

  @TempDir Path dir;

  private String error(byte[] toml, Map<String, String> environment) throws Exception {
    Path file = dir.resolve("config.toml");
    Files.write(file, toml);
    AgentException e =
        assertThrows(AgentException.class, () -> new ConfigLoader(environment).load(file));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    return e.getMessage().replace(file.toString(), "FILE");
  }

  private String error(String toml) throws Exception {
    return error(toml.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void aNulByteInOutputDirIsAConfigErrorNotAnInternalError() throws Exception {
    assertEquals(
        "config FILE: output.dir: '/var/lib/dps\\u0000agent' must be an absolute path",
        error(MINIMAL + "[output]\ndir = \"/var/lib/dps\\u0000agent\"\n"));
    assertEquals(
        "config FILE: output.token_dir: '/run/\\u0000' must be an absolute path",
        error(MINIMAL + "[output]\ntoken_dir = \"/run/\\u0000\"\n"));
    assertEquals(
        "config FILE: pkcs11.module: '/usr/lib/x\\u0000.so' must be an absolute path",
        error(MINIMAL + "[pkcs11]\nmodule = \"/usr/lib/x\\u0000.so\"\n"));
  }

  /** Found by ConfigFuzzTest: index 1 puts the identity key on the SRK's handle (exit 1 before). */
  @Test
  void anAuthKeyIndexOnTheSrksHandleIsAConfigErrorNotAnInternalError() throws Exception {
    assertEquals(
        "config FILE: tpm.auth_key_index: TPM handles must differ: EK 0x81010001, SRK 0x81000001, identity key"
            + " 0x81000001; choose another index (the default, 0x100, puts the key at 0x81000100)",
        error(MINIMAL + "[tpm]\nauth_key_index = 1\n"));
  }

  @Test
  void aConfigThatIsNotUtf8SaysSoInsteadOfNamingAnException() throws Exception {
    byte[] latin1 =
        (MINIMAL + "# caf\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals("config FILE is not UTF-8 text; check the path", error(latin1, Map.of()));
  }

  @Test
  void controlCharactersFromTheEnvironmentAreEscaped() throws Exception {
    assertEquals(
        "config environment variable DPS_AGENT_GLOBAL_ENDPOINT: provisioning.global_endpoint:"
            + " 'h\\t/\\u001B[31m' is not a valid endpoint; use https://host[:port]",
        error(
            MINIMAL.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Map.of("DPS_AGENT_GLOBAL_ENDPOINT", "h\t/\u001b[31m")));
  }

  @Test
  void aLineSeparatorInTheTctiIsEscaped() throws Exception {
    assertEquals(
        "config FILE: tpm.tcti: TCTI 'swt\\u2028pm:port=1': unsupported TCTI 'swt\\u2028pm'; use"
            + " device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321 or mssim:host=...,port=...; use e.g."
            + " \"device:/dev/tpmrm0\" or \"swtpm:host=127.0.0.1,port=2321\"",
        error(MINIMAL + "[tpm]\ntcti = \"swt\\u2028pm:port=1\"\n"));
  }

  /** Found while reviewing what config errors echo: the endpoint was shown with its password. */
  @Test
  void anEndpointWithCredentialsIsRefusedWithoutShowingThem() throws Exception {
    assertEquals(
        "config FILE: provisioning.global_endpoint: must not carry a user name or password;"
            + " use https://host[:port]",
        error(
            MINIMAL.replace(
                "[provisioning]\n",
                "[provisioning]\nglobal_endpoint = \"https://dev:SECRET-PW@dps.example.net\"\n")));
  }

  /**
   * Found by the config fuzz target: an endpoint that fails to parse was echoed with its password.
   */
  @Test
  void aMalformedEndpointIsShownWithoutItsCredentials() throws Exception {
    assertEquals(
        "config environment variable DPS_AGENT_GLOBAL_ENDPOINT: provisioning.global_endpoint:"
            + " the value (not shown: it contains '@', as credentials do) must be just a host and optional port,"
            + " e.g. https://global.azure-devices-provisioning.net",
        error(
            MINIMAL.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Map.of(
                "DPS_AGENT_GLOBAL_ENDPOINT",
                "https://operator:SECRET-PW@dps.example.net:host:*443")));
  }
}
