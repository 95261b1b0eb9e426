package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DPS that answers with identifiers built to escape a path or forge log lines: the agent exits 4,
 * writes nothing, and its stderr carries the value only escaped. The hub name comes from the real
 * emulator (a linked hub may have any name); device and operation IDs, which the emulator itself
 * validates, come from a small HTTPS server on loopback that speaks just enough of the protocol.
 */
class HostileDpsTest {

  private static final String HOSTILE_HUB =
      "evil.azure-devices.net\ndps-agent: info: provisioned\u001b[2J";

  @TempDir Path home;

  @Test
  void aHubNameWithANewlineAndAnEscapeFromTheEmulatorEndsWithExit4AndNoOutputs() throws Exception {
    try (DpsEmulator emulator = Emulators.startWithHub(HOSTILE_HUB)) {
      Device device =
          new Device(home)
              .registrationId("hostile-hub-1")
              .endpoint(emulator)
              .enrolledIn(emulator, Device.newKey());

      CliRun run = CliRun.of("provision", "--config", device.writeConfig());

      assertRefusedCleanly(run, device);
      assertTrue(
          run.stderr()
              .contains(
                  "dps-agent: error: DPS answered with an invalid assignedHub"
                      + " 'evil.azure-devices.net\\ndps-agent: info: provisioned\\u001B[2J'; expected a DNS host name with an"
                      + " optional :port. The answer is not used\n"),
          run.stderr());
    }
  }

  @Test
  void aDeviceIdThatTraversesPathsEndsWithExit4AndNoOutputs() throws Exception {
    assertFakeDpsAnswerRefused(
        "hostile-device-1",
        "{\"operationId\":\"op-1\",\"status\":\"assigning\"}",
        assigned("hub.azure-devices.net", "../../../etc/cron.d/x\\r\\n\\u001b[31m"),
        "DPS answered with an invalid deviceId '../../../etc/cron.d/x\\r\\n\\u001B[31m'",
        List.of(
            "PUT /0ne00000001/registrations/hostile-device-1/register",
            "GET /0ne00000001/registrations/hostile-device-1/operations/op-1"));
  }

  @Test
  void anOperationIdThatWouldLeaveThePollPathIsNeverPolled() throws Exception {
    assertFakeDpsAnswerRefused(
        "hostile-op-1",
        "{\"operationId\":\"../../../admin\\n\",\"status\":\"assigning\"}",
        assigned("hub.azure-devices.net", "d"),
        "DPS answered with an invalid operationId '../../../admin\\n'",
        List.of("PUT /0ne00000001/registrations/hostile-op-1/register"));
  }

  /**
   * Provisions {@code registrationId} against a {@link FakeDps} answering {@code registerBody} and
   * {@code pollBody}: refused cleanly, saying {@code message}, after exactly {@code requests}.
   */
  private void assertFakeDpsAnswerRefused(
      String registrationId,
      String registerBody,
      String pollBody,
      String message,
      List<String> requests)
      throws Exception {
    try (FakeDps dps = new FakeDps(home, registerBody, pollBody)) {
      Device device = dps.device(registrationId);

      CliRun run = CliRun.of("provision", "--config", device.writeConfig());

      assertRefusedCleanly(run, device);
      assertTrue(run.stderr().contains(message), run.stderr());
      assertEquals(requests, dps.requests);
    }
  }

  private static void assertRefusedCleanly(CliRun run, Device device) throws java.io.IOException {
    assertExit(4, run);
    assertEquals(List.of(), device.outputs(), "nothing may be written for a refused answer");
    assertFalse(run.everything().contains("\u001b"), "a raw ESC reached the output: " + run);
    assertFalse(run.everything().contains("\r"), "a raw CR reached the output: " + run);
    for (String line : run.stderr().split("\n")) {
      assertTrue(line.startsWith("dps-agent: "), "a line the agent did not write: " + line);
    }
  }

  private static String assigned(String hub, String deviceId) {
    return "{\"operationId\":\"op-1\",\"status\":\"assigned\",\"registrationState\":{\"registrationId\":\"r\","
        + "\"status\":\"assigned\",\"assignedHub\":\""
        + hub
        + "\",\"deviceId\":\""
        + deviceId
        + "\"}}";
  }

  /**
   * HTTPS on 127.0.0.1: 202 with {@code registerBody} for register, 200 with {@code pollBody} for
   * polls.
   */
  private static final class FakeDps implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpsServer server;
    private final Path caFile;

    FakeDps(Path home, String registerBody, String pollBody) throws Exception {
      LocalCertificateAuthority ca = LocalCertificateAuthority.create();
      ServerTlsIdentity identity = ca.issueServerIdentity("localhost");
      caFile = home.resolve("fake-dps-ca.pem");
      Pem.writeCertificate(caFile, ca.certificate());
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(TlsKeys.serverContext(identity.privateKey(), identity.chain())));
      server.createContext(
          "/",
          exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            boolean register = exchange.getRequestMethod().equals("PUT");
            answer(exchange, register ? 202 : 200, register ? registerBody : pollBody);
          });
      server.start();
    }

    Device device(String registrationId) throws IOException {
      return new Device(
              Files.createDirectories(Path.of(caFile.getParent().toString(), registrationId)))
          .registrationId(registrationId)
          .endpoint(
              URI.create("https://localhost:" + server.getAddress().getPort()),
              "0ne00000001",
              caFile)
          .deviceKey(Device.newKey());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
      exchange.getResponseHeaders().add("Retry-After", "1");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
