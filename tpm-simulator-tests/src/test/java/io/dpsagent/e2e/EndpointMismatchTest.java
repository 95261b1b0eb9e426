package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An endpoint that is not what the transport expects is a permanent refusal with the fix, not a
 * network fault retried until the budget runs out: an HTTPS port given to MQTT and the reverse, and
 * MQTT 5 offered to an endpoint that speaks only 3.1.1 (as DPS does; the emulator's default).
 */
class EndpointMismatchTest {

  private static final String RETRY =
      "[provisioning.retry]\nmax_attempts = 3\ninitial_backoff_ms = 100\n"
          + "connect_timeout_seconds = 2\nrequest_timeout_seconds = 3";

  private static DpsEmulator emulator;
  private static Fleet fleet;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulators.startFast(); // refuses MQTT 5, like a 3.1.1-only endpoint
    fleet = new Fleet(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static String lastLine(CliRun run) {
    List<String> lines = run.stderr().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static long retries(CliRun run) {
    return run.stderr().lines().filter(l -> l.contains("; retrying in ")).count();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqtt", "mqtt5"})
  void anMqttTransportGivenTheHttpsPortSaysSo(String transport) throws Exception {
    int port = emulator.httpsEndpoint().getPort();
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .endpoint("localhost:" + port)
            .config(RETRY);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: mqtts://localhost:"
            + port
            + " answers HTTPS, not MQTT: name the MQTT port in"
            + " global_endpoint (8883 on DPS), or set transport = \"https\"",
        lastLine(run));
    assertEquals(0, retries(run), run.stderr());
    assertEquals(List.of(), device.outputs(), "nothing was written");
  }

  @Test
  void theHttpsTransportGivenTheMqttPortSaysSo() throws Exception {
    int port = emulator.mqttEndpoint().getPort();
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", "https")
            .endpoint("localhost:" + port)
            .config(RETRY);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: https://localhost:"
            + port
            + " answers MQTT, not HTTPS: name the HTTPS port in"
            + " global_endpoint (443 on DPS), or set transport = \"mqtt\"",
        lastLine(run));
    assertEquals(0, retries(run), run.stderr());
  }

  @Test
  void anEndpointWhoseSchemeNamesAnotherServiceIsRefusedBeforeAnyNetworkCall() throws Exception {
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", "https")
            .endpoint(emulator.mqttEndpoint().toString())
            .config(RETRY);
    long before = emulator.requestLog().count();

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: config "
            + device.configFile
            + ": provisioning.global_endpoint: '"
            + emulator.mqttEndpoint()
            + "' names an MQTT port but provisioning.transport = \"https\"; use"
            + " https://localhost:PORT with the port of that service, or set provisioning.transport = \"mqtt\"\n",
        run.stderr());
    assertEquals(before, emulator.requestLog().count());
  }

  @Test
  void mqtt5RefusedByAn311EndpointIsExit4WithTheFixAtTheFirstAttempt() throws Exception {
    Device device = fleet.enrolled(home, "symmetric-individual", "mqtt5").config(RETRY);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertEquals(4, run.exitCode(), run.toString());
    assertEquals(
        "dps-agent: error: mqtts://localhost:"
            + emulator.mqttEndpoint().getPort()
            + " refused MQTT 5 (it"
            + " answered as an MQTT 3.1.1 server: unacceptable protocol version); DPS speaks MQTT 3.1.1, set transport"
            + " = \"mqtt\"",
        lastLine(run));
    assertEquals(0, retries(run), run.stderr());
  }
}
