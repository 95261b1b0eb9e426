package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What overrides the main file: drop-ins in {@code config.d} and environment variables. */
class ConfigSourcesTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  @Test
  void dropInsMergeInNameOrderAndLaterFilesWin() throws Exception {
    Path dropIns = Files.createDirectory(config.beside("config.d"));
    Files.writeString(
        dropIns.resolve("10-endpoint.toml"),
        """
        [provisioning]
        global_endpoint = "dps-a.example"
        """);
    Files.writeString(
        dropIns.resolve("20-endpoint.toml"),
        """
        [provisioning]
        global_endpoint = "dps-b.example:8443"
        [provisioning.retry]
        max_attempts = 9
        """);
    Files.writeString(dropIns.resolve("ignored.txt"), "not toml");
    AgentConfig loaded = config.load(MINIMAL);
    assertEquals(
        URI.create("https://dps-b.example:8443"), loaded.provisioning().endpoint().httpsBase());
    assertEquals(9, loaded.provisioning().retry().maxAttempts());
    assertEquals(
        "0ne00000042",
        loaded.provisioning().idScope(),
        "keys of the main file stay unless overridden");
  }

  @Test
  void anErrorInADropInNamesTheDropIn() throws Exception {
    Path dropIns = Files.createDirectory(config.beside("config.d"));
    Files.writeString(
        dropIns.resolve("50-retry.toml"),
        """
        [provisioning.retry]
        max_atempts = 3
        """);
    assertEquals(
        "config "
            + dropIns.resolve("50-retry.toml")
            + ": provisioning.retry.max_atempts: unknown key; "
            + "check its spelling and section",
        config.error(MINIMAL));
  }

  @Test
  void environmentOverridesEndpointScopeAndRegistrationId() throws Exception {
    AgentConfig loaded =
        config.load(
            MINIMAL,
            Map.of(
                "DPS_AGENT_GLOBAL_ENDPOINT", "https://dps.internal:9443",
                "DPS_AGENT_ID_SCOPE", "0ne000000FF",
                "DPS_AGENT_REGISTRATION_ID", "container-7",
                "UNRELATED", "x"));
    assertEquals(
        URI.create("https://dps.internal:9443"), loaded.provisioning().endpoint().httpsBase());
    assertEquals("0ne000000FF", loaded.provisioning().idScope());
    assertEquals(
        "container-7",
        ((SymmetricKeyAttestation) loaded.provisioning().attestation()).registrationId());
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() throws Exception {
    AgentException e =
        assertThrows(
            AgentException.class,
            () -> config.load(MINIMAL, Map.of("DPS_AGENT_ID_SCOPE", "0ne/../x")));
    assertEquals(
        "config environment variable DPS_AGENT_ID_SCOPE: provisioning.id_scope: '0ne/../x' is not an ID scope; "
            + "it is letters and digits, e.g. 0ne00000000",
        e.getMessage());
  }
}
