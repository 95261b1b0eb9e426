package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertLastLine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers whose TLS the agent must refuse, over every transport: each refusal has its own message
 * with the fix, verification failures end the run at once (exit 2), and a peer that merely hangs up
 * in the handshake is retried as the network trouble it is (exit 5). There is no setting that turns
 * verification off (see {@code ConfigErrorsTest#noKeyTurnsServerVerificationOff}).
 */
class TlsRefusalTest {

  private static final String RETRY =
      "[provisioning.retry]\nmax_attempts = 3\ninitial_backoff_ms = 100\n"
          + "connect_timeout_seconds = 2\nrequest_timeout_seconds = 3";

  private final TestPki.Issuer trustedCa = TestPki.rootCa("Trusted Test CA");

  @TempDir Path home;

  private static String endpoint(String transport, int port) {
    return (transport.equals("https") ? "https" : transport.equals("mqtt-ws") ? "wss" : "mqtts")
        + "://localhost:"
        + port;
  }

  /** How the agent names the endpoint in its messages. */
  private static String described(String transport, int port) {
    return endpoint(transport, port) + (transport.equals("mqtt-ws") ? "/$iothub/websocket" : "");
  }

  private CliRun provision(String transport, RefusingTlsServer server) throws Exception {
    Path caFile = home.resolve("trusted-ca.pem");
    Files.writeString(caFile, TestPki.pem(trustedCa.certificate()));
    Device device =
        new Device(home)
            .registrationId("tls-device")
            .deviceKey(Device.newKey())
            .transport(transport)
            .endpoint(URI.create(endpoint(transport, server.port())), "0ne00000001", caFile)
            .config(RETRY);
    CliRun run = CliRun.of("provision", "--config", device.writeConfig());
    assertEquals(List.of(), device.outputs(), "nothing was written");
    return run;
  }

  /**
   * Like {@link #assertRefusedWithoutRetry(String, RefusingTlsServer, String)}, against a new
   * server presenting {@code leaf}.
   */
  private void assertRefusedWithoutRetry(String transport, TestPki.Leaf leaf, String message)
      throws Exception {
    try (RefusingTlsServer server = RefusingTlsServer.presenting(leaf)) {
      assertRefusedWithoutRetry(transport, server, message);
    }
  }

  /** Provisions against {@code server}: exit 2 with TLS {@code message}, after one connection. */
  private void assertRefusedWithoutRetry(String transport, RefusingTlsServer server, String message)
      throws Exception {
    CliRun run = provision(transport, server);

    assertLastLine(2, run, "dps-agent: error: TLS: " + message);
    assertEquals(1, server.connections(), "not retried");
  }

  @EveryTransport
  void aCertificateForAnotherHostNameSaysWhichNamesItIsFor(String transport) throws Exception {
    assertRefusedWithoutRetry(
        transport,
        trustedCa.leaf("dps.example.net", KeyType.EC_P256),
        "the certificate of localhost is for dps.example.net; use a global_endpoint"
            + " host name it names");
  }

  @EveryTransport
  void anExpiredServerCertificateSaysWhenItExpired(String transport) throws Exception {
    Instant expired = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    assertRefusedWithoutRetry(
        transport,
        trustedCa.leaf("localhost", KeyType.EC_P256, expired.minus(Duration.ofDays(30)), expired),
        "the certificate of localhost expired on "
            + expired
            + "; renew it on the"
            + " server, or fix this device's clock if that date is wrong");
  }

  @EveryTransport
  void aCertificateFromAnUntrustedCaSaysToAddItsCa(String transport) throws Exception {
    TestPki.Issuer stranger = TestPki.rootCa("Stranger CA");
    assertRefusedWithoutRetry(
        transport,
        stranger.leaf("localhost", KeyType.EC_P256),
        "the certificate of localhost is issued by 'CN=Stranger CA', which this"
            + " device does not trust; add its CA to provisioning.trust_bundle");
  }

  @EveryTransport
  void aTls11OnlyServerIsRefusedSayingTheAgentNeedsTls12(String transport) throws Exception {
    try (RefusingTlsServer server = RefusingTlsServer.tls11Only()) {
      assertRefusedWithoutRetry(
          transport,
          server,
          described(transport, server.port())
              + " offers only TLS 1.1; the agent"
              + " requires TLS 1.2 or later");
    }
  }

  @EveryTransport
  void aServerClosingTheHandshakeIsRetriedThenEndsWithExit5(String transport) throws Exception {
    try (RefusingTlsServer server = RefusingTlsServer.closingTheHandshake()) {
      CliRun run = provision(transport, server);

      String endpoint = described(transport, server.port());
      assertLastLine(
          5,
          run,
          "dps-agent: error: giving up after 3 attempts registering with "
              + endpoint
              + "; last error: "
              + endpoint
              + " closed the connection during the TLS handshake");
      assertEquals(2, Stderr.retries(run), run.stderr());
      assertEquals(3, server.connections(), "one connection per attempt");
    }
  }
}
