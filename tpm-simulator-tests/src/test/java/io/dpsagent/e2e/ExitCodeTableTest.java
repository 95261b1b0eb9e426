package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks every row of the README's exit-code table: each failure kind it lists is produced by a real
 * run (emulator, SoftHSM2, a TPM TCTI with nobody listening), and the run's exit code and its
 * {@code --json} error kind are the ones the row promises.
 */
class ExitCodeTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROW = Pattern.compile("^\\| (\\d) \\| [^|]+ \\|(.*)\\|$");
  private static final Pattern KIND = Pattern.compile("`([a-z_]+)`");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  /** exit code -> the failure kinds the README gives it, read from its table. */
  static Map<Integer, Set<String>> readmeTable() throws Exception {
    Map<Integer, Set<String>> table = new LinkedHashMap<>();
    String readme = Files.readString(Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf("| exit | meaning | failure kind |"));
    for (String line : section.lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
      Matcher row = ROW.matcher(line);
      assertTrue(row.matches(), "unreadable exit-code row: " + line);
      Matcher kind = KIND.matcher(row.group(2));
      Set<String> kinds = new TreeSet<>();
      while (kind.find()) {
        kinds.add(kind.group(1));
      }
      table.put(Integer.parseInt(row.group(1)), kinds);
    }
    return table;
  }

  @Test
  void theTableNamesEveryFailureKindOnce() throws Exception {
    Set<String> listed = new TreeSet<>();
    readmeTable()
        .values()
        .forEach(kinds -> kinds.forEach(k -> assertTrue(listed.add(k), k + " listed twice")));

    Set<String> expected =
        Arrays.stream(AgentException.Kind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toCollection(TreeSet::new));
    expected.add("usage");
    expected.add("internal");
    assertEquals(expected, listed);
  }

  @Test
  void everyRowIsWhatARealRunExitsWith() throws Exception {
    Map<Integer, Set<String>> table = readmeTable();
    assertExit(0, provision(succeeding()));
    assertEquals(Set.of(), table.get(0));
    for (Map.Entry<Integer, Set<String>> row : table.entrySet()) {
      for (String kind : row.getValue()) {
        if (kind.equals("internal")) {
          continue; // a defect of the agent, which no configuration can produce on purpose
        }
        CliRun run = scenario(kind);
        assertEquals(row.getKey().intValue(), run.exitCode(), kind + ": " + run);
        JsonNode error = JSON.readTree(run.stdout()).get("error");
        assertEquals(kind, error.get("kind").textValue(), run.toString());
        assertEquals(row.getKey().intValue(), error.get("exitCode").intValue(), run.toString());
        String errorLine = "dps-agent: error: " + error.get("message").textValue();
        assertTrue(run.stderr().lines().anyMatch(errorLine::equals), run.stderr());
        assertFalse(run.stderr().contains("Exception"), run.stderr());
      }
    }
  }

  private CliRun scenario(String kind) throws Exception {
    return switch (kind) {
      case "usage" -> CliRun.of("provision", "--json", "--no-such-option");
      case "config" ->
          CliRun.of("provision", "--json", "--config", home.resolve("absent.toml").toString());
      case "attestation_rejected" -> {
        Device device = device("exit-rejected").deviceKey(Device.newKey());
        emulator
            .registry()
            .addIndividualEnrollment(
                IndividualEnrollment.symmetricKey(device.registrationId(), Device.newKey()));
        yield provision(device);
      }
      case "refused" -> {
        String key = Device.newKey();
        Device device = device("exit-disabled").deviceKey(key);
        emulator
            .registry()
            .addIndividualEnrollment(
                IndividualEnrollment.symmetricKey(device.registrationId(), key).disabled());
        yield provision(device);
      }
      case "transient" ->
          provision(
              device("exit-transient")
                  .endpoint("https://localhost:" + ClosedPort.pick())
                  .deviceKey(Device.newKey())
                  .config(
                      "[provisioning.retry]\nmax_attempts = 2\nmax_elapsed_seconds = 3\ninitial_backoff_ms = 100"));
      case "hsm" -> CliRun.of("provision", "--json", "--config", tokenConfigWithWrongPin());
      case "hsm_unavailable" ->
          provision(
              device("exit-no-tpm")
                  .tpm("swtpm:host=127.0.0.1,port=" + ClosedPort.pick(), "")
                  .config("[provisioning.retry]\nmax_elapsed_seconds = 5"));
      default ->
          throw new AssertionError(
              "the README lists kind '" + kind + "' that this test cannot produce");
    };
  }

  private Device succeeding() throws Exception {
    return device("exit-ok").enrolledIn(emulator, Device.newKey());
  }

  private Device device(String id) throws Exception {
    return Device.named(home, id).endpoint(emulator);
  }

  /** A config naming a SAS key in a fresh SoftHSM2 token, opened with a PIN the token refuses. */
  private String tokenConfigWithWrongPin() throws Exception {
    String uri =
        PinFile.keyUri(
            SoftHsm.newToken(),
            "object=k;type=secret-key",
            home.resolve("wrong.pin"),
            "0000-not-it",
            "rw-------");
    return device("exit-wrong-pin").symmetricKeyUri(uri).writeConfig();
  }

  private static CliRun provision(Device device) throws Exception {
    return CliRun.of("provision", "--json", "--config", device.writeConfig());
  }
}
