package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import io.dpsagent.common.testing.Directories;
import io.dpsagent.hsm.testing.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz target: the TOML config with its drop-ins and environment overrides. Seeds are the shipped
 * default config and configs for each attestation, with secrets (hierarchy authorization, proxy
 * password, inline PIN) in them. Property: {@link ConfigLoader#load} returns or throws {@link
 * AgentException} of kind CONFIG with a printable line that repeats none of the secrets.
 */
class ConfigFuzzTest {

  /**
   * Each secret of the seeds with the context that makes it one (a value of a secret key, a
   * password).
   */
  private static final Map<String, String> SECRETS =
      Map.of(
          "SECRET-AUTH-0815", "= \"SECRET-AUTH-0815\"",
          "SECRET-PROXY-PW", ":SECRET-PROXY-PW@",
          "SECRET-PIN-4711", "?pin-value=SECRET-PIN-4711\"");

  private static final List<byte[]> SEEDS = Fuzz.seeds(ConfigFuzzTest.class, "config");

  private static Path dir;

  @BeforeContainer
  static void directory() throws IOException {
    dir = Files.createTempDirectory("fuzz-config");
  }

  @AfterContainer
  static void remove() throws IOException {
    Directories.deleteTree(dir);
  }

  @Example
  void everySeedLoads() throws Exception {
    for (byte[] seed : SEEDS) {
      new ConfigLoader().load(write(seed));
    }
  }

  /** Found by this fuzz target: the proxy URL, spliced into the transport, was echoed whole. */
  @Example
  void aProxyUrlInTheWrongKeyIsRefusedWithoutItsPassword() throws IOException {
    String seed =
        Fuzz.textSeeds(ConfigFuzzTest.class, "config").stream()
            .filter(text -> text.contains("SECRET-PROXY-PW"))
            .findFirst()
            .orElseThrow();
    String toml =
        seed.replace(
            "transport = \"mqtt\"",
            "transport = \"mqhttp://operator:SECRET-PROXY-PW@proxy.example.net:3128\"");
    assertNotEquals(seed, toml, "the proxy seed names transport = \"mqtt\"");
    Path file = write(toml.getBytes(StandardCharsets.UTF_8));
    AgentException e = assertThrows(AgentException.class, () -> new ConfigLoader().load(file));
    assertEquals(
        "config "
            + file
            + ": provisioning.transport: 'mqhttp://operator:***@proxy.example.net:3128' is not a"
            + " supported transport; use one of: https, mqtt, mqtt5, mqtt-ws",
        e.getMessage());
  }

  @Property
  void configsLoadOrFailWithOneCleanConfigError(@ForAll("configs") byte[] toml) throws IOException {
    Path file = write(toml);
    check(() -> new ConfigLoader().load(file), new String(toml, StandardCharsets.UTF_8));
  }

  @Property
  void environmentOverridesLoadOrFailWithOneCleanConfigError(@ForAll("overrides") String value)
      throws IOException {
    Path file = write(SEEDS.get(0));
    Map<String, String> environment =
        Map.of(
            "DPS_AGENT_GLOBAL_ENDPOINT",
            value,
            "DPS_AGENT_ID_SCOPE",
            value,
            "DPS_AGENT_REGISTRATION_ID",
            value);
    check(() -> new ConfigLoader(environment).load(file), value);
  }

  /**
   * {@code input} is what the mutator made: a secret it moved out of its place (spliced into the ID
   * scope, say) is no longer a secret, so only secrets still in place must stay unseen.
   */
  private static void check(Fuzz.Step<AgentConfig> load, String input) {
    Fuzz.Outcome<AgentConfig> outcome = Fuzz.bounded(load).allowOnly(AgentException.class);
    if (outcome.failed()) {
      AgentException e = (AgentException) outcome.failure();
      assertEquals(AgentException.Kind.CONFIG, e.kind(), e.getMessage());
      Fuzz.assertPrintableLine(e.getMessage());
      SECRETS.forEach(
          (secret, context) -> {
            if (count(input, secret) > 0 && count(input, secret) == count(input, context)) {
              Fuzz.assertNoSecret(e.getMessage(), secret, secret.length());
            }
          });
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  private static Path write(byte[] toml) throws IOException {
    Path file = dir.resolve("config.toml");
    Files.write(file, toml);
    return file;
  }

  @Provide
  Arbitrary<byte[]> configs() {
    return Fuzz.mutationsOf(SEEDS);
  }

  @Provide
  Arbitrary<String> overrides() {
    return Fuzz.textMutationsOf(
        List.of(
            "https://localhost:8443",
            "0ne00000000",
            "gw-0042",
            "https://operator:SECRET-PROXY-PW@dps.example.net:443",
            new String(SEEDS.get(0), StandardCharsets.UTF_8).substring(0, 40)));
  }
}
