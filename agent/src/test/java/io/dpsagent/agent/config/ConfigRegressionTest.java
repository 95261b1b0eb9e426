package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.MINIMAL;
import static io.dpsagent.agent.config.ConfigFile.withProvisioning;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bugs the config fuzz target found, one test each. */
class ConfigRegressionTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  /** The config error's message, with the config file's path as FILE. */
  private String error(byte[] toml, Map<String, String> environment) {
    return config.failure(toml, environment).getMessage().replace(config.toString(), "FILE");
  }

  private String error(String toml) {
    return error(toml.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private String error(Map<String, String> environment) {
    return error(MINIMAL.getBytes(StandardCharsets.UTF_8), environment);
  }

  @Test
  void aNulByteInOutputDirIsAConfigErrorNotAnInternalError() throws Exception {
    assertEquals(
        "config FILE: output.dir: '/var/lib/dps\\u0000agent' must be an absolute path",
        error(
            MINIMAL
                + """
                [output]
                dir = "/var/lib/dps\\u0000agent"
                """));
    assertEquals(
        "config FILE: output.token_dir: '/run/\\u0000' must be an absolute path",
        error(
            MINIMAL
                + """
                [output]
                token_dir = "/run/\\u0000"
                """));
    assertEquals(
        "config FILE: pkcs11.module: '/usr/lib/x\\u0000.so' must be an absolute path",
        error(
            MINIMAL
                + """
                [pkcs11]
                module = "/usr/lib/x\\u0000.so"
                """));
  }

  /** Found by ConfigFuzzTest: index 1 puts the identity key on the SRK's handle (exit 1 before). */
  @Test
  void anAuthKeyIndexOnTheSrksHandleIsAConfigErrorNotAnInternalError() throws Exception {
    assertEquals(
        "config FILE: tpm.auth_key_index: TPM handles must differ: EK 0x81010001, SRK 0x81000001, identity key"
            + " 0x81000001; choose another index (the default, 0x100, puts the key at 0x81000100)",
        error(
            MINIMAL
                + """
                [tpm]
                auth_key_index = 1
                """));
  }

  @Test
  void aConfigThatIsNotUtf8SaysSoInsteadOfNamingAnException() throws Exception {
    byte[] latin1 = (MINIMAL + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("config FILE is not UTF-8 text; check the path", error(latin1, Map.of()));
  }

  @Test
  void controlCharactersFromTheEnvironmentAreEscaped() throws Exception {
    assertEquals(
        "config environment variable DPS_AGENT_GLOBAL_ENDPOINT: provisioning.global_endpoint:"
            + " 'h\\t/\\u001B[31m' is not a valid endpoint; use https://host[:port]",
        error(Map.of("DPS_AGENT_GLOBAL_ENDPOINT", "h\t/\u001b[31m")));
  }

  @Test
  void aLineSeparatorInTheTctiIsEscaped() throws Exception {
    assertEquals(
        "config FILE: tpm.tcti: TCTI 'swt\\u2028pm:port=1': unsupported TCTI 'swt\\u2028pm'; use"
            + " device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321 or mssim:host=...,port=...; use e.g."
            + " \"device:/dev/tpmrm0\" or \"swtpm:host=127.0.0.1,port=2321\"",
        error(
            MINIMAL
                + """
                [tpm]
                tcti = "swt\\u2028pm:port=1"
                """));
  }

  /** Found while reviewing what config errors echo: the endpoint was shown with its password. */
  @Test
  void anEndpointWithCredentialsIsRefusedWithoutShowingThem() throws Exception {
    assertEquals(
        "config FILE: provisioning.global_endpoint: must not carry a user name or password;"
            + " use https://host[:port]",
        error(withProvisioning("global_endpoint = \"https://dev:SECRET-PW@dps.example.net\"")));
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
            Map.of(
                "DPS_AGENT_GLOBAL_ENDPOINT",
                "https://operator:SECRET-PW@dps.example.net:host:*443")));
  }
}
