package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every command promises on the command line: usage errors, {@code --json} errors, log format.
 */
class CliContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASTED_KEY = "q83vEjRWeJq8OrxRIjNEVWZ3iJmqu8zd7v8AESIzRFU=";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", "tpm", "pkcs11"})
  void aGroupWithoutItsCommandPrintsUsageAndExits2(String group) {
    CliRun run = group.isEmpty() ? CliRun.of() : CliRun.of(group);

    assertEquals(2, run.exitCode(), run.toString());
    String name = group.isEmpty() ? "dps-agent" : "dps-agent " + group;
    assertTrue(
        run.stderr()
            .startsWith(
                "dps-agent: error: missing command; see " + name + " --help\nUsage: " + name),
        run.stderr());
    assertFalse(run.stderr().contains("Exception"), run.stderr());
    assertEquals("", run.stdout());
  }

  @Test
  void aUsageErrorWithJsonPrintsAnErrorDocument() throws Exception {
    CliRun run = CliRun.of("provision", "--json", "--bogus");

    assertEquals(2, run.exitCode(), run.toString());
    JsonNode error = JSON.readTree(run.stdout()).get("error");
    assertEquals(2, error.get("exitCode").asInt());
    assertEquals("usage", error.get("kind").asText());
    assertEquals("Unknown option: '--bogus'", error.get("message").asText());
    assertTrue(
        run.stderr().startsWith("dps-agent: error: Unknown option: '--bogus'\n"), run.stderr());
  }

  @Test
  void aConfigErrorWithJsonPrintsAnErrorDocument() throws Exception {
    CliRun run =
        CliRun.of("provision", "--json", "--config", dir.resolve("absent.toml").toString());

    assertEquals(2, run.exitCode(), run.toString());
    JsonNode error = JSON.readTree(run.stdout()).get("error");
    assertEquals("config", error.get("kind").asText());
    assertEquals(run.stderr(), "dps-agent: error: " + error.get("message").asText() + "\n");
  }

  @Test
  void underJournaldEveryLineCarriesItsSyslogPriority() {
    CliRun run =
        CliRun.with(
            "",
            java.util.Map.of("JOURNAL_STREAM", "8:1234"),
            java.time.Clock.systemUTC(),
            "provision",
            "--config",
            dir.resolve("absent.toml").toString());

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(
        run.stderr()
            .startsWith("<3>error: config " + dir.resolve("absent.toml") + " does not exist"),
        run.stderr());
  }

  @Test
  void underJournaldWarningsArePriorityFour() {
    CliRun run =
        CliRun.with(
            PASTED_KEY,
            java.util.Map.of("JOURNAL_STREAM", "8:1234"),
            java.time.Clock.systemUTC(),
            "pkcs11",
            "import-key",
            "--module",
            dir.resolve("none.so").toString(),
            "--uri",
            "pkcs11:token=t;object=k?pin-value=1234");

    assertTrue(
        run.stderr()
            .startsWith("<4>warning: pkcs11:token=t;object=k?pin-value=*** carries its PIN"),
        run.stderr());
    assertTrue(run.stderr().lines().allMatch(l -> l.matches("<[34]>.*")), run.stderr());
  }

  @Test
  void topLevelHelpShowsWholeSummaries() {
    CliRun run = CliRun.of("--help");

    assertEquals(0, run.exitCode());
    String help = run.stdout().replaceAll("\\s+", " ");
    assertTrue(
        help.contains(
            " derive-key Print the device key of a symmetric-key enrollment-group member. token "),
        run.stdout());
    assertTrue(help.contains(" and keep the hub token fresh. status "), run.stdout());
  }

  @Test
  void aKeyPastedWhereItsUriBelongsIsNeverEchoed() throws Exception {
    Path config = dir.resolve("config.toml");
    Files.writeString(config, DeviceConfigs.symmetricKey(PASTED_KEY, ""));

    CliRun run = CliRun.of("provision", "--json", "--config", config.toString());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: config "
            + config
            + ": provisioning.attestation.symmetric_key.uri: unsupported key"
            + " URI; use file:///absolute/path or pkcs11:...\n",
        run.stderr());
    assertFalse(run.everything().contains(PASTED_KEY), run.toString());
    assertFalse(run.everything().contains(PASTED_KEY.substring(0, 12)), run.toString());
  }

  @Test
  void aGroupKeyPastedAsDeriveKeyUriIsNeverEchoed() {
    CliRun run = CliRun.of("derive-key", "--registration-id", "dev-1", "--group-key", PASTED_KEY);

    assertEquals(2, run.exitCode(), run.toString());
    assertFalse(run.everything().contains(PASTED_KEY.substring(0, 12)), run.toString());
    assertEquals(
        "dps-agent: error: --group-key: unsupported key URI; use file:///absolute/path or pkcs11:...\n",
        run.stderr());
  }

  @Test
  void warningsOfEveryCommandUseTheAgentsLineFormat() throws Exception {
    Path pin = dir.resolve("no-such-module.so");
    CliRun run =
        CliRun.withStdin(
            PASTED_KEY,
            "pkcs11",
            "import-key",
            "--module",
            pin.toString(),
            "--uri",
            "pkcs11:token=t;object=k?pin-value=s3cret-PIN");

    assertEquals(6, run.exitCode(), run.toString());
    assertTrue(
        run.stderr()
            .startsWith(
                "dps-agent: warning: pkcs11:token=t;object=k?pin-value=*** carries its PIN"),
        run.stderr());
    // A PIN no temporary path can contain by chance (they hold random digits).
    assertFalse(run.stderr().contains("s3cret-PIN"), run.stderr());
  }
}
