package io.dpsagent.agent.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.Attestations;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.ConfigLoader;
import io.dpsagent.agent.log.LogCapture;
import io.dpsagent.agent.output.Assignments;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.HubVerification.Result;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HubVerifier} against the emulator's IoT hub endpoint over real TLS on loopback: each
 * outcome, with the credentials loaded as the agent loads them.
 */
class HubVerifierTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String OTHER_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  private static final TestPki.Leaf X509 =
      TestPki.rootCa("hub verifier CA").leaf(EmulatedHub.X509_DEVICE, TestPki.KeyType.EC_P256);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private EmulatedHub hub;

  @BeforeEach
  void start() throws Exception {
    hub = EmulatedHub.start(dir, KEY, X509);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private String hubTable(int port, boolean withCa, String extra) {
    return "[hub]\nverify = true\nport = "
        + port
        + "\n"
        + (withCa ? "ca_file = \"" + hub.caFile + "\"\n" : "")
        + extra;
  }

  private AgentConfig symmetricKeyConfig(String key, String hubTable) throws Exception {
    Path keyFile = Files.writeString(dir.resolve("device.key"), key + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    return load(
        "method = \"symmetric_key\"\nregistration_id = \""
            + EmulatedHub.SAS_DEVICE
            + "\"\nsymmetric_key = { uri = \""
            + keyFile.toUri()
            + "\" }\n",
        hubTable);
  }

  private AgentConfig x509Config(String hubTable) throws Exception {
    Path chain = dir.resolve("chain.pem");
    Path key = dir.resolve("key.pem");
    X509.writePem(chain, key);
    return load(
        "method = \"x509\"\nidentity_cert = { uri = \""
            + chain.toUri()
            + "\" }\nidentity_pk = { uri = \""
            + key.toUri()
            + "\" }\n",
        hubTable);
  }

  private AgentConfig load(String attestation, String hubTable) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("config.toml"),
            "[provisioning]\nglobal_endpoint = \"https://localhost:1\"\nid_scope = \"0ne00000001\"\n"
                + "[provisioning.attestation]\n"
                + attestation
                + "[output]\ndir = \""
                + dir.resolve("out")
                + "\"\n"
                + hubTable);
    return new ConfigLoader().load(config);
  }

  private static HubVerification verify(AgentConfig config, String deviceId, Clock clock)
      throws AgentException {
    try (DeviceAuthentication device = Attestations.load(config, clock.instant(), () -> false)) {
      return HubVerifier.forCommand(config, false, clock)
          .orElseThrow()
          .verify(
              Assignments.assigned(EmulatedHub.HOST, deviceId, device.hubAuth(), Instant.now()),
              device);
    }
  }

  private static HubVerification verify(AgentConfig config, String deviceId) throws AgentException {
    return verify(config, deviceId, Clock.systemUTC());
  }

  @Test
  void aSymmetricKeyDeviceReadsTheInitialDesiredProperties() throws Exception {
    HubVerification v =
        verify(symmetricKeyConfig(KEY, hubTable(hub.port(), true, "")), EmulatedHub.SAS_DEVICE);

    assertEquals(Result.REACHABLE, v.result(), v.toString());
    assertEquals(
        JSON.readTree("{\"interval\":30,\"site\":{\"name\":\"b\"},\"$version\":1}"),
        v.desired().orElseThrow());
    assertEquals(
        Optional.of("localhost:" + hub.port() + " accepted the device and sent its twin"),
        v.detail());
    assertTrue(hub.state().existingTwin(EmulatedHub.SAS_DEVICE).isPresent());
  }

  @Test
  void anX509DeviceConnectsWithItsClientCertificate() throws Exception {
    HubVerification v = verify(x509Config(hubTable(hub.port(), true, "")), EmulatedHub.X509_DEVICE);

    assertEquals(Result.REACHABLE, v.result(), v.toString());
    assertEquals(JSON.readTree("{\"$version\":1}"), v.desired().orElseThrow());
  }

  @Test
  void aKeyTheHubDoesNotHoldIsRejectedWithConnack5() throws Exception {
    HubVerification v =
        verify(
            symmetricKeyConfig(OTHER_KEY, hubTable(hub.port(), true, "")), EmulatedHub.SAS_DEVICE);

    assertEquals(Result.REJECTED, v.result());
    assertEquals(
        Optional.of(
            "the hub localhost refused device sas-dev with CONNACK 5 (not authorized): DPS assigned"
                + " it there, but the hub does not accept its credential"),
        v.detail());
    assertEquals(Optional.empty(), v.desired());
    assertTrue(hub.state().existingTwin(EmulatedHub.SAS_DEVICE).isEmpty());
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HubVerification v =
        verify(symmetricKeyConfig(KEY, hubTable(closed, true, "")), EmulatedHub.SAS_DEVICE);

    assertEquals(Result.UNREACHABLE, v.result());
    assertEquals(
        Optional.of("localhost:" + closed + ": connection refused or unreachable; check hub.port"),
        v.detail());
  }

  @Test
  void aHubCertificateNotTrustedIsUnreachableNamingCaFile() throws Exception {
    HubVerification v =
        verify(symmetricKeyConfig(KEY, hubTable(hub.port(), false, "")), EmulatedHub.SAS_DEVICE);

    assertEquals(Result.UNREACHABLE, v.result());
    assertEquals(
        Optional.of(
            "TLS with localhost:"
                + hub.port()
                + ": the certificate of localhost is issued by 'CN=dps-emulator local CA', which"
                + " this device does not trust; add its CA to hub.ca_file"),
        v.detail());
    assertTrue(hub.state().connectedDevices().isEmpty());
  }

  @Test
  void aSilentHubIsUnreachableWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      long start = System.nanoTime();
      HubVerification v =
          verify(
              symmetricKeyConfig(
                  KEY, hubTable(silent.getLocalPort(), true, "timeout_seconds = 1\n")),
              EmulatedHub.SAS_DEVICE);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(Result.UNREACHABLE, v.result());
      assertTrue(v.detail().orElseThrow().contains("within 1 s"), v.detail().get());
      assertTrue(millis < 5_000, "took " + millis + " ms");
    }
  }

  @Test
  void everyVerificationLeavesNoMqttThreadBehind() throws Exception {
    // The daemon verifies again at every renewal: a thread left per connection would add up.
    assertEquals(
        Result.REACHABLE,
        verify(symmetricKeyConfig(KEY, hubTable(hub.port(), true, "")), EmulatedHub.SAS_DEVICE)
            .result());
    assertEquals(
        Result.REJECTED,
        verify(
                symmetricKeyConfig(OTHER_KEY, hubTable(hub.port(), true, "")),
                EmulatedHub.SAS_DEVICE)
            .result());

    long end = System.nanoTime() + 10_000_000_000L;
    List<String> left = mqttThreads();
    while (!left.isEmpty() && System.nanoTime() - end < 0) {
      Thread.sleep(20);
      left = mqttThreads();
    }
    assertEquals(List.of(), left);
  }

  /** Paho names the threads it runs on "MQTT ..."; the agent's pool names its own "paho ...". */
  private static List<String> mqttThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("MQTT") || name.startsWith("paho"))
        .sorted()
        .toList();
  }

  @Test
  void theSasTokenNeverReachesTheLogOrTheOutcome() throws Exception {
    Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    String token =
        SasToken.build(
            EmulatedHub.HOST + "/devices/" + EmulatedHub.SAS_DEVICE,
            SoftwareSymmetricKey.ofBase64(KEY),
            clock.instant().plus(HubVerifier.TOKEN_TTL),
            null);
    String signature = token.replaceFirst(".*&sig=([^&]*)&.*", "$1");
    List<String> logged;
    List<HubVerification> outcomes = new ArrayList<>();
    // Everything the agent logs, Paho's lines (PahoLog) included, at every level.
    try (LogCapture capture = LogCapture.all()) {
      outcomes.add(
          verify(
              symmetricKeyConfig(KEY, hubTable(hub.port(), true, "")),
              EmulatedHub.SAS_DEVICE,
              clock));
      outcomes.add(
          verify(
              symmetricKeyConfig(OTHER_KEY, hubTable(hub.port(), true, "")),
              EmulatedHub.SAS_DEVICE,
              clock));
      logged = capture.lines();
    }

    assertEquals(
        Result.REACHABLE, outcomes.get(0).result(), "the token computed here is the one sent");
    assertTrue(
        logged.stream().anyMatch(l -> l.contains("verifying the assignment")),
        "the capture saw the verifier's log: " + logged);
    for (String secret : List.of(token, signature, KEY, OTHER_KEY)) {
      for (String line : logged) {
        assertFalse(line.contains(secret), "logged: " + line);
      }
      for (HubVerification outcome : outcomes) {
        assertFalse(outcome.toString().contains(secret), outcome.toString());
      }
    }
  }

  @Test
  void verificationIsOnForTheDaemonAndOffForOneShotCommandsUnlessSet() throws Exception {
    Map<String, List<Boolean>> expected =
        Map.of(
            "", List.of(false, true),
            "[hub]\nverify = true\n", List.of(true, true),
            "[hub]\nverify = false\n", List.of(false, false));
    for (Map.Entry<String, List<Boolean>> e : expected.entrySet()) {
      AgentConfig config = symmetricKeyConfig(KEY, e.getKey());
      assertEquals(
          e.getValue(),
          List.of(
              HubVerifier.forCommand(config, false, Clock.systemUTC()).isPresent(),
              HubVerifier.forCommand(config, true, Clock.systemUTC()).isPresent()),
          e.getKey());
    }
  }
}
