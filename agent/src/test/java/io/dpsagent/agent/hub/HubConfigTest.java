package io.dpsagent.agent.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ConfigLoader;
import io.dpsagent.agent.config.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [hub]}: defaults, every key, and one line naming the key for each bad value. */
class HubConfigTest {

  @TempDir Path dir;

  private Path config(String hubTable) throws Exception {
    Path key =
        Files.writeString(
            dir.resolve("device.key"), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    return Files.writeString(
        dir.resolve("config.toml"),
        "[provisioning]\nid_scope = \"0ne00000001\"\n"
            + "[provisioning.attestation]\nmethod = \"symmetric_key\"\nregistration_id = \"d\"\n"
            + "symmetric_key = { uri = \""
            + key.toUri()
            + "\" }\n"
            + hubTable);
  }

  private AgentConfig load(String hubTable) throws Exception {
    return new ConfigLoader().load(config(hubTable));
  }

  private String error(String hubTable) throws Exception {
    Path file = config(hubTable);
    AgentException e = assertThrows(AgentException.class, () -> new ConfigLoader().load(file));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    return e.getMessage().replace(file.toString(), "FILE");
  }

  @Test
  void withoutTheSectionEachCommandHasItsDefault() throws Exception {
    assertEquals(HubConfig.defaults(), load("").hub());
    assertEquals(
        new HubConfig(Optional.empty(), 8883, Optional.empty(), Duration.ofSeconds(20)),
        load("").hub());
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Path ca = dir.resolve("hub-ca.pem");
    assertEquals(
        new HubConfig(Optional.of(true), 18883, Optional.of(ca), Duration.ofSeconds(5)),
        load("[hub]\nverify = true\nport = 18883\nca_file = \"file://"
                + ca
                + "\"\ntimeout_seconds = 5\n")
            .hub());
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    assertEquals(
        "config FILE: hub.verify: must be true or false", error("[hub]\nverify = \"yes\"\n"));
    assertEquals(
        "config FILE: hub.port: 0 is out of range; use 1..65535", error("[hub]\nport = 0\n"));
    assertEquals(
        "config FILE: hub.timeout_seconds: 0 is out of range; use 1..600",
        error("[hub]\ntimeout_seconds = 0\n"));
    assertEquals(
        "config FILE: hub.ca_file: 'ca.pem' must be an absolute path or file:/// URI",
        error("[hub]\nca_file = \"ca.pem\"\n"));
    assertEquals(
        "config FILE: hub.prot: unknown key; check its spelling and section",
        error("[hub]\nprot = 8883\n"));
  }

  @Test
  void aMissingCaFileFailsBeforeAnyConnection() throws Exception {
    Path missing = dir.resolve("absent.pem");
    AgentConfig config = load("[hub]\nverify = true\nca_file = \"" + missing + "\"\n");
    AgentException e =
        assertThrows(
            AgentException.class, () -> HubVerifier.forCommand(config, false, Clock.systemUTC()));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    assertEquals("hub.ca_file " + missing + " does not exist", e.getMessage());
  }
}
