package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.MINIMAL;
import static io.dpsagent.agent.config.ConfigFile.withProvisioning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad values and unreadable files: each one line naming the key or file and the fix, never a class
 * name.
 */
class ConfigErrorsTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  private String error(String toml, Map<String, String> environment) {
    AgentException e = config.failure(toml.getBytes(StandardCharsets.UTF_8), environment);
    assertFalse(
        e.getMessage().matches("(?s).*[A-Z][a-z]+(Exception|Error).*"),
        "a class name: " + e.getMessage());
    return e.getMessage();
  }

  private String error(String toml) {
    return error(toml, Map.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999", "0", "65536"})
  void anEndpointPortOutOfRangeNamesTheKey(String port) {
    assertEquals(
        "config "
            + config
            + ": provisioning.global_endpoint: port "
            + port
            + " in 'https://dps.example:"
            + port
            + "' is out of range; use a port from 1 to 65535, or none for the transport's default",
        error(withProvisioning("global_endpoint = \"https://dps.example:" + port + "\"")));
  }

  @Test
  void anEndpointPortOutOfRangeFromTheEnvironmentNamesTheVariable() {
    assertEquals(
        "config environment variable DPS_AGENT_GLOBAL_ENDPOINT: provisioning.global_endpoint: port 99999 in "
            + "'dps.example:99999' is out of range; use a port from 1 to 65535, or none for the transport's default",
        error(MINIMAL, Map.of("DPS_AGENT_GLOBAL_ENDPOINT", "dps.example:99999")));
  }

  @Test
  void aProxyPortOutOfRangeNamesTheKey() {
    assertEquals(
        "config "
            + config
            + ": provisioning.proxy: proxy port 99999 is out of range; use a port from 1 to "
            + "65535 (or none for 8080)",
        error(withProvisioning("proxy = \"http://proxy.example:99999\"")));
  }

  @Test
  void aProxyPortOutOfRangeFromTheEnvironmentNamesTheVariable() {
    assertEquals(
        "config "
            + config
            + ": HTTPS_PROXY (environment): proxy port 0 is out of range; use a port from 1 "
            + "to 65535 (or none for 8080)",
        error(MINIMAL, Map.of("HTTPS_PROXY", "http://proxy.example:0")));
  }

  @ParameterizedTest
  @CsvSource({
    "mqtts://dps.example:8883, https, an MQTT, https://dps.example:PORT, mqtt",
    "mqtts://dps.example:8883, mqtt-ws, an MQTT, wss://dps.example:PORT, mqtt",
    "https://dps.example:443, mqtt, an HTTPS, mqtts://dps.example:PORT, https",
    "wss://dps.example:443, mqtt5, an HTTPS, mqtts://dps.example:PORT, https"
  })
  void anEndpointWhoseSchemeAndPortNameAnotherServiceIsRefused(
      String endpoint, String transport, String names, String use, String set) {
    assertEquals(
        "config "
            + config
            + ": provisioning.global_endpoint: '"
            + endpoint
            + "' names "
            + names
            + " port but provisioning.transport = \""
            + transport
            + "\"; use "
            + use
            + " with the port of that service,"
            + " or set provisioning.transport = \""
            + set
            + "\"",
        error(
            withProvisioning(
                "global_endpoint = \"" + endpoint + "\"", "transport = \"" + transport + "\"")));
  }

  @ParameterizedTest
  @CsvSource({
    "https://dps.example, mqtt",
    "dps.example:8883, https",
    "wss://dps.example:443, https",
    "https://dps.example:8443, mqtt-ws",
    "mqtts://dps.example:8883, mqtt5"
  })
  void anEndpointThatDoesNotContradictTheTransportIsAccepted(String endpoint, String transport)
      throws Exception {
    assertEquals(
        "dps.example",
        config
            .load(
                withProvisioning(
                    "global_endpoint = \"" + endpoint + "\"", "transport = \"" + transport + "\""))
            .provisioning()
            .endpoint()
            .host());
  }

  @Test
  void aDirectoryGivenAsTheConfigSaysSo() {
    AgentException e =
        assertThrows(AgentException.class, () -> new ConfigLoader().load(config.dir()));
    assertEquals(
        "config " + config.dir() + " is a directory; pass --config FILE naming the config file",
        e.getMessage());
  }

  @Test
  void aConfigThatIsNotUtf8SaysSo() throws IOException {
    Files.write(config.path(), new byte[] {'#', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    AgentException e =
        assertThrows(AgentException.class, () -> new ConfigLoader().load(config.path()));
    assertEquals("config " + config + " is not UTF-8 text; check the path", e.getMessage());
  }

  @Test
  void aMalformedPayloadFileSaysWhereAndWhy() throws IOException {
    Path payload = config.beside("payload.json");
    Files.writeString(payload, "{\"modelId\": }");
    String message = error(withProvisioning("payload = { uri = \"" + payload.toUri() + "\" }"));
    assertEquals(
        "config "
            + config
            + ": provisioning.payload.uri: the payload is not valid JSON: Unexpected "
            + "character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token "
            + "'null', 'true' or 'false')",
        message);
  }

  @Test
  void aPayloadFileThatIsADirectoryOrNotUtf8SaysSo() throws IOException {
    Path payload = config.beside("payload.json");
    Files.createDirectory(payload);
    assertEquals(
        "config "
            + config
            + ": provisioning.payload.uri: cannot read "
            + payload
            + ": it is a directory, not a file",
        error(withProvisioning("payload = { uri = \"" + payload.toUri() + "\" }")));
    Path binary = config.beside("payload.bin");
    Files.write(binary, new byte[] {'{', (byte) 0xFF, '}'});
    assertEquals(
        "config "
            + config
            + ": provisioning.payload.uri: cannot read "
            + binary
            + ": it is not UTF-8 text",
        error(withProvisioning("payload = { uri = \"" + binary.toUri() + "\" }")));
  }

  @Test
  void fileProblemsAreWordsNotClassNames() {
    assertEquals(
        "permission denied; check the file's owner and mode",
        FileProblems.describe(new AccessDeniedException("/etc/dps-agent/config.toml")));
    assertEquals("it is not UTF-8 text", FileProblems.describe(new MalformedInputException(1)));
    assertEquals(
        "it is a directory, not a file", FileProblems.describe(new IOException("Is a directory")));
  }

  /** Server verification cannot be turned off: no key for it exists, whatever it is called. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "insecure",
        "insecure_skip_verify",
        "tls_insecure",
        "skip_tls_verify",
        "tls_verify",
        "verify_server",
        "verify_hostname",
        "hostname_verification",
        "trust_all"
      })
  void noKeyTurnsServerVerificationOff(String key) {
    assertEquals(
        "config "
            + config
            + ": provisioning."
            + key
            + ": unknown key; check its spelling and section",
        error(withProvisioning(key + " = false")));
  }
}
