package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertLastLine;
import static io.dpsagent.e2e.Runs.assertStderr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

  @RegisterExtension
  static final ClassFixture<Fleet> FLEET =
      ClassFixture.of(() -> new Fleet(Emulators.startFast())); // refuses MQTT 5, like 3.1.1 DPS

  private final Fleet fleet = FLEET.get();
  private final DpsEmulator emulator = fleet.emulator();

  @TempDir Path home;

  /**
   * Provisions over {@code transport} with {@code localhost:port} as the endpoint: exit 2 with
   * {@code message}, at the first attempt.
   */
  private Device assertRefusedAtOnceGiven(String transport, int port, String message)
      throws Exception {
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .endpoint("localhost:" + port)
            .config(RETRY);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertLastLine(2, run, "dps-agent: error: " + message);
    assertEquals(0, Stderr.retries(run), run.stderr());
    return device;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqtt", "mqtt5"})
  void anMqttTransportGivenTheHttpsPortSaysSo(String transport) throws Exception {
    int port = emulator.httpsEndpoint().getPort();
    Device device =
        assertRefusedAtOnceGiven(
            transport,
            port,
            "mqtts://localhost:"
                + port
                + " answers HTTPS, not MQTT: name the MQTT port in"
                + " global_endpoint (8883 on DPS), or set transport = \"https\"");
    assertEquals(List.of(), device.outputs(), "nothing was written");
  }

  @Test
  void theHttpsTransportGivenTheMqttPortSaysSo() throws Exception {
    int port = emulator.mqttEndpoint().getPort();
    assertRefusedAtOnceGiven(
        "https",
        port,
        "https://localhost:"
            + port
            + " answers MQTT, not HTTPS: name the HTTPS port in"
            + " global_endpoint (443 on DPS), or set transport = \"mqtt\"");
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

    assertStderr(
        2,
        run,
        "dps-agent: error: config "
            + device.configFile
            + ": provisioning.global_endpoint: '"
            + emulator.mqttEndpoint()
            + "' names an MQTT port but provisioning.transport = \"https\"; use"
            + " https://localhost:PORT with the port of that service, or set provisioning.transport = \"mqtt\"\n");
    assertEquals(before, emulator.requestLog().count());
  }

  @Test
  void mqtt5RefusedByAn311EndpointIsExit4WithTheFixAtTheFirstAttempt() throws Exception {
    Device device = fleet.enrolled(home, "symmetric-individual", "mqtt5").config(RETRY);

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertLastLine(
        4,
        run,
        "dps-agent: error: mqtts://localhost:"
            + emulator.mqttEndpoint().getPort()
            + " refused MQTT 5 (it"
            + " answered as an MQTT 3.1.1 server: unacceptable protocol version); DPS speaks MQTT 3.1.1, set transport"
            + " = \"mqtt\"");
    assertEquals(0, Stderr.retries(run), run.stderr());
  }
}
