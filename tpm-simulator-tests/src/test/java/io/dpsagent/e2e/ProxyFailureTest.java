package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertLastLine;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxy trouble is reported as the proxy's, and proxy credentials arrive as written, for every
 * transport that can use a proxy.
 */
class ProxyFailureTest {

  @RegisterExtension
  static final ClassFixture<Fleet> FLEET = ClassFixture.of(Fleet::onAllTransports);

  private final Fleet fleet = FLEET.get();

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"mqtt", "mqtt5", "mqtt-ws"})
  void mqttTransportsTunnelThroughAProxyWithBasicCredentials(String transport) throws Exception {
    Proxied proxied = provisionThroughProxyRequiring("s3cret pw", "s3cret%20pw", transport, "");

    CliRun run = proxied.run();
    assertExit(0, run);
    int port = fleet.endpoint(transport).getPort();
    assertEquals(
        List.of(
            new ConnectProxy.Tunnel(
                "localhost:" + port, Optional.of("Basic ZGV2OnMzY3JldCBwdw=="), 200)),
        proxied.proxy().distinctTunnels());
    assertFalse(run.everything().contains("s3cret"), "proxy password leaked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aProxyRefusingTheCredentialsEndsWithExit5AndSaysSo(String transport) throws Exception {
    Proxied proxied =
        provisionThroughProxyRequiring(
            "right",
            "wrong",
            transport,
            "[provisioning.retry]\nmax_attempts = 2\ninitial_backoff_ms = 100");

    CliRun run = proxied.run();
    assertStderrHolds(
        5,
        run,
        "refused CONNECT localhost:"
            + fleet.endpoint(transport).getPort()
            + ": HTTP/1.1 407 Proxy Authentication Required; check the proxy credentials");
    assertEquals(2, proxied.proxy().tunnels().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aPlusInTheProxyPasswordStaysAPlus(String transport) throws Exception {
    Proxied proxied =
        provisionThroughProxyRequiring(
            "pa+ss", "pa+ss", transport, "[provisioning.retry]\nmax_attempts = 1");

    CliRun run = proxied.run();
    assertExit(0, run);
    assertEquals(
        Optional.of("Basic ZGV2OnBhK3Nz"),
        proxied.proxy().tunnels().get(0).proxyAuthorization()); // dev:pa+ss
    assertFalse(run.everything().contains("pa+ss"), "proxy password leaked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aDeadHttpsProxyIsNamedAsWhatFailed(String transport) throws Exception {
    String proxy = "http://127.0.0.1:" + ClosedPort.pick();
    Device device =
        fleet
            .enrolled(home, "symmetric-individual", transport)
            .config(
                "[provisioning.retry]\nmax_attempts = 2\ninitial_backoff_ms = 100\nconnect_timeout_seconds = 2");

    CliRun run =
        CliRun.with(
            "",
            Map.of("https_proxy", proxy),
            Clock.systemUTC(),
            "provision",
            "--config",
            device.writeConfig());

    assertLastLine(
        5,
        run,
        "dps-agent: error: giving up after 2 attempts registering with "
            + fleet.endpoint(transport)
            + "; last error: cannot connect to proxy "
            + proxy
            + " (from https_proxy): connection refused or unreachable");
  }

  /** The agent's run, and the proxy it went through: closed by then, it keeps what it saw. */
  private record Proxied(CliRun run, ConnectProxy proxy) {}

  /**
   * Provisions a new symmetric-key device of {@code transport} through a proxy that wants user
   * {@code dev} with {@code password}; the device's proxy URI gives {@code sent} as the password,
   * as a config would spell it.
   */
  private Proxied provisionThroughProxyRequiring(
      String password, String sent, String transport, String retry) throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("dev", password)) {
      Device device =
          fleet
              .enrolled(home, "symmetric-individual", transport)
              .proxy(proxy.uriWithCredentials("dev", sent))
              .config(retry);
      return new Proxied(CliRun.of("provision", "--config", device.writeConfig()), proxy);
    }
  }
}
