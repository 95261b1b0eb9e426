package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.device.RequestLog;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPS serves HTTPS and MQTT over WebSocket on one port: the agent's {@code mqtt-ws} transport works
 * with the very {@code global_endpoint} its {@code https} transport uses.
 */
class MqttWsOnHttpsEndpointTest {

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  @Test
  void bothTransportsProvisionThroughTheHttpsEndpoint() throws Exception {
    for (String transport : List.of("https", "mqtt-ws")) {
      emulator.requestLog().clear();
      Device device =
          Device.named(home, "one-endpoint-" + transport)
              .endpoint(emulator)
              .transport(transport)
              .enrolledIn(emulator, Device.newKey());

      CliRun run = CliRun.of("provision", "--config", device.writeConfig(), "--json");

      assertExit(0, run);
      URI https = emulator.httpsEndpoint();
      String reached =
          transport.equals("https")
              ? https.toString()
              : "wss://" + https.getHost() + ":" + https.getPort() + "/$iothub/websocket";
      assertEquals(reached, device.connection().dpsEndpoint());
      String method = transport.equals("https") ? "PUT" : "MQTT PUBLISH";
      List<RequestLog.Entry> entries = emulator.requestLog().entries();
      assertEquals(method, entries.get(0).method(), entries::toString);
    }
  }
}
