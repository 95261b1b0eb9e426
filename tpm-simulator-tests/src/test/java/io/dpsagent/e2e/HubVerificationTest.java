package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertLastLine;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.hub.HubVerifier;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.hub.RegisteredDevices;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [hub] verify}: after DPS assigns, the agent connects to the assigned hub (the emulator's
 * IoT hub endpoint, over real TLS on loopback, holding the identities the emulator's DPS created)
 * with the new credential, writes the initial twin's desired properties to {@code
 * initial-config.json} and records the outcome for {@code status}.
 */
class HubVerificationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger DEVICES = new AtomicInteger();
  private static final String HUB = "localhost";
  private static final String DESIRED = "{\"interval\":30,\"site\":{\"name\":\"b\"}}";
  private static final String VERSIONED =
      "{\"interval\":30,\"site\":{\"name\":\"b\"},\"$version\":1}";

  private static DpsEmulator emulator;
  private static LocalCertificateAuthority hubCa;
  private static Path hubCaFile;
  private static HubServer hub;
  private static HubServer strangerHub;

  @TempDir Path home;

  @BeforeAll
  static void start(@TempDir Path shared) throws Exception {
    emulator = Emulators.startWithHub(HUB);
    hubCa = LocalCertificateAuthority.create();
    hubCaFile = Files.writeString(shared.resolve("hub-ca.pem"), TestPki.pem(hubCa.certificate()));
    hub =
        LoopbackHubs.start(
            hubCa, HUB, new RegisteredDevices(emulator.registry(), Clock.systemUTC()));
    // The stranger hub holds no device DPS created.
    strangerHub = LoopbackHubs.start(hubCa, HUB, (host, deviceId) -> Optional.empty());
  }

  @AfterAll
  static void stop() {
    hub.close();
    strangerHub.close();
    emulator.close();
  }

  private static EnrollmentOptions withInitialTwin() throws Exception {
    return EnrollmentOptions.DEFAULTS.withInitialTwin(
        JSON.readTree("{\"properties\":{\"desired\":" + DESIRED + "}}"));
  }

  private Device device(String prefix) {
    return new Device(home)
        .registrationId(prefix + "-" + DEVICES.incrementAndGet())
        .endpoint(emulator.httpsEndpoint(), emulator.idScope(), emulator.caFile());
  }

  /** A symmetric-key device enrolled with the initial twin. */
  private Device enrolled(String key) throws Exception {
    Device device = device("hub-sas").deviceKey(key);
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(device.registrationId(), key)
                .withOptions(withInitialTwin()));
    return device;
  }

  private static String hubTable(String verify, int port) {
    return "[hub]\n" + verify + "port = " + port + "\nca_file = \"" + hubCaFile + "\"\n";
  }

  /** A provision run of a newly enrolled device, its config's {@code [hub]} table as given. */
  private record Provision(Device device, String config, CliRun run) {}

  /**
   * Provisions a newly enrolled device whose {@code [hub]} table has {@code verify}, {@code port}.
   */
  private Provision provisionWithHub(String verify, int port) throws Exception {
    Device device = enrolled(Device.newKey()).config(hubTable(verify, port));
    String config = device.writeConfig();
    return new Provision(device, config, CliRun.of("provision", "--config", config));
  }

  private static JsonNode connectionJson(Device device) throws Exception {
    return JSON.readTree(device.outputDir.resolve("connection.json").toFile());
  }

  private static JsonNode status(String config) throws Exception {
    CliRun status = CliRun.of("status", "--config", config, "--json");
    assertExit(0, status);
    return JSON.readTree(status.stdout()).path("assignment").path("hubVerification");
  }

  private static JsonNode initialConfig(Device device) throws Exception {
    return JSON.readTree(device.outputDir.resolve("initial-config.json").toFile());
  }

  @Test
  void aSymmetricKeyDeviceIsVerifiedAndGetsItsInitialConfig() throws Exception {
    Provision provision = provisionWithHub("verify = true\n", hub.port());

    assertExit(0, provision.run());
    assertEquals(JSON.readTree(VERSIONED), initialConfig(provision.device()));
    assertEquals(
        List.of("connection-string", "connection.json", "initial-config.json"),
        provision.device().outputs());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(
                provision.device().outputDir.resolve("initial-config.json"))));
    assertTrue(
        provision
            .run()
            .stdout()
            .contains(
                "\nhub reachable: localhost:"
                    + hub.port()
                    + " accepted the device and sent its twin\n"),
        provision.run().stdout());
    JsonNode recorded = status(provision.config());
    assertEquals("reachable", recorded.path("result").asText());
    assertEquals(
        connectionJson(provision.device()).path("hubVerification").path("at"), recorded.path("at"));
    assertEquals(
        provision.device().outputDir.resolve("initial-config.json").toString(),
        connectionJson(provision.device())
            .path("hubVerification")
            .path("initialConfigFile")
            .asText());
    CliRun text = CliRun.of("status", "--config", provision.config());
    assertTrue(text.stdout().contains("\nhub:           reachable at "), text.stdout());
  }

  @Test
  void aGroupDerivedKeyIsVerified() throws Exception {
    String groupKey = Device.newKey();
    String groupId = "hub-group-" + DEVICES.incrementAndGet();
    emulator
        .registry()
        .addEnrollmentGroup(
            EnrollmentGroup.symmetricKey(groupId, groupKey).withOptions(withInitialTwin()));
    Device device =
        device("hub-member").groupKey(groupKey).config(hubTable("verify = true\n", hub.port()));

    provisioned(device);
    assertEquals(JSON.readTree(VERSIONED), initialConfig(device));
  }

  @Test
  void anX509DeviceIsVerifiedWithItsCertificate() throws Exception {
    String id = "hub-x509-" + DEVICES.incrementAndGet();
    TestPki.Leaf leaf = TestPki.rootCa("hub e2e CA").leaf(id, TestPki.KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.x509(id, leaf.certificate()).withOptions(withInitialTwin()));
    Device device =
        new Device(home)
            .endpoint(emulator.httpsEndpoint(), emulator.idScope(), emulator.caFile())
            .x509(leaf)
            .config(hubTable("verify = true\n", hub.port()));

    provisioned(device);
    assertEquals(JSON.readTree(VERSIONED), initialConfig(device));
    assertTrue(hub.state().existingTwin(id).isPresent());
  }

  @Test
  void aHubThatRefusesTheIdentityExits3AndLeavesTheOutputsAsTheyWere() throws Exception {
    Device device = enrolled(Device.newKey());
    String deviceId = device.registrationId();
    provisioned(device);
    byte[] before = Files.readAllBytes(device.outputDir.resolve("connection.json"));
    String config = device.config(hubTable("verify = true\n", strangerHub.port())).writeConfig();

    CliRun run = CliRun.of("provision", "--config", config);

    assertLastLine(
        3,
        run,
        "dps-agent: error: the hub localhost refused device "
            + deviceId
            + " with CONNACK 5 (not authorized): DPS assigned it there, but the hub does not accept"
            + " its credential");
    assertEquals("", run.stdout());
    assertEquals(List.of("connection-string", "connection.json"), device.outputs());
    assertArrayEquals(before, Files.readAllBytes(device.outputDir.resolve("connection.json")));
    assertTrue(strangerHub.state().existingTwin(deviceId).isEmpty());
  }

  @Test
  void anUnreachableHubIsAWarningAndWritesNoInitialConfig() throws Exception {
    int closed = ClosedPort.pick();
    Provision provision = provisionWithHub("verify = true\n", closed);

    assertLastLine(
        0,
        provision.run(),
        "dps-agent: warning: hub not verified: localhost:"
            + closed
            + ": connection refused or unreachable; check hub.port");
    assertEquals(
        1,
        provision.run().stderr().lines().filter(l -> l.contains("warning")).count(),
        provision.run().stderr());
    assertEquals(List.of("connection-string", "connection.json"), provision.device().outputs());
    JsonNode recorded = status(provision.config());
    assertEquals("unreachable", recorded.path("result").asText());
    assertEquals(
        "localhost:" + closed + ": connection refused or unreachable; check hub.port",
        recorded.path("detail").asText());
  }

  @Test
  void verifyFalseMakesNoHubConnection() throws Exception {
    Provision provision = provisionWithHub("verify = false\n", hub.port());

    assertExit(0, provision.run());
    assertTrue(hub.state().existingTwin(provision.device().registrationId()).isEmpty());
    assertFalse(hub.state().connectedDevices().contains(provision.device().registrationId()));
    assertEquals(List.of("connection-string", "connection.json"), provision.device().outputs());
    assertEquals(JSON.readTree("{\"result\":\"not_verified\"}"), status(provision.config()));
    assertTrue(
        CliRun.of("status", "--config", provision.config())
            .stdout()
            .contains("\nhub:           not verified\n"));
  }

  @Test
  void provisionDoesNotVerifyUnlessToldTo() throws Exception {
    try (ServerSocket listener = new ServerSocket(0)) {
      Device device = enrolled(Device.newKey()).config(hubTable("", listener.getLocalPort()));

      provisioned(device);
      listener.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, listener::accept, "nothing connected");
      assertEquals(
          "not_verified", connectionJson(device).path("hubVerification").path("result").asText());
    }
  }

  @Test
  void theHubTokenAppearsNowhereEvenVerbose() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String key = Device.newKey();
    Device device = enrolled(key).config(hubTable("verify = true\n", hub.port()));
    String config = device.writeConfig();

    CliRun run =
        CliRun.with(
            "",
            Map.of(),
            Clock.fixed(now, ZoneOffset.UTC),
            "provision",
            "--config",
            config,
            "--verbose",
            "--json");

    assertStderrHolds(0, run, "verifying the assignment: connecting to localhost:");
    String token =
        SasToken.build(
            HUB + "/devices/" + device.registrationId(),
            SoftwareSymmetricKey.ofBase64(key),
            now.plus(HubVerifier.TOKEN_TTL),
            null);
    String signature = token.replaceFirst(".*&sig=([^&]*)&.*", "$1");
    for (String secret : List.of(token, signature, key)) {
      assertFalse(run.everything().contains(secret), "printed: " + run.everything());
    }
    try (Stream<Path> files = Files.list(device.outputDir)) {
      for (Path file : files.toList()) {
        String content = Files.readString(file);
        assertFalse(content.contains(signature), file.toString());
        if (!file.getFileName().toString().equals("connection-string")) {
          assertFalse(content.contains(key), file.toString()); // the one file meant to hold it
        }
      }
    }
  }

  @Test
  void theDaemonVerifiesByDefaultAndWritesTheInitialConfig() throws Exception {
    Device device =
        enrolled(Device.newKey()).tokenDir(home.resolve("run")).config(hubTable("", hub.port()));
    String config = device.writeConfig();

    RunningDaemon.whileServing(
        config, daemon -> awaitFile(device.outputDir.resolve("initial-config.json")));

    assertEquals(JSON.readTree(VERSIONED), initialConfig(device));
    assertEquals("reachable", status(config).path("result").asText());
  }

  @Test
  void aHubRejectionMakesTheDaemonRegisterAgain() throws Exception {
    Device device =
        enrolled(Device.newKey())
            .tokenDir(home.resolve("run"))
            .config(hubTable("", strangerHub.port()));
    String config = device.writeConfig();
    String registrations =
        "/" + emulator.idScope() + "/registrations/" + device.registrationId() + "/register";

    RunningDaemon daemon = new RunningDaemon(config);
    long deadline = System.nanoTime() + RunningDaemon.BOUND.toNanos();
    while (registerCount(registrations) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    CliRun stopped = daemon.stopAndWait();

    assertExit(0, stopped);
    assertEquals(2, registerCount(registrations), "registered, rejected, registered again once");
    assertTrue(
        stopped
            .stderr()
            .contains(
                "the hub localhost refused device "
                    + device.registrationId()
                    + " with CONNACK 5 (not authorized): DPS assigned it there, but the hub does not"
                    + " accept its credential; registering again"),
        stopped.stderr());
    assertEquals("rejected", status(config).path("result").asText());
  }

  private static long registerCount(String path) {
    return emulator.requestLog().entries().stream()
        .filter(e -> e.method().equals("PUT") && e.path().equals(path))
        .count();
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + RunningDaemon.BOUND.toNanos();
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(file), file + " within " + RunningDaemon.BOUND);
  }
}
