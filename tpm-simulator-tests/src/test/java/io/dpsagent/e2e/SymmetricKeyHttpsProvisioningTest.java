package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.timedProvision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.e2e.Runs.Timed;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dps-agent provision} with symmetric keys against the DPS emulator over real TLS on
 * loopback: the first end-to-end slice of the product.
 */
class SymmetricKeyHttpsProvisioningTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger DEVICES = new AtomicInteger();

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  /** A device with its own registration ID, pointed at the emulator and trusting its CA. */
  private Device device() {
    return new Device(home).registrationId("e2e-" + DEVICES.incrementAndGet()).endpoint(emulator);
  }

  /** A device with a new key, enrolled individually. */
  private Device enrolledDevice() throws Exception {
    return enrolledDevice(Device.newKey());
  }

  /** A device whose key matches an individual enrollment in the emulator. */
  private Device enrolledDevice(String key) throws Exception {
    return enrolledDevice(key, enrollment -> enrollment);
  }

  /** A device with {@code key}, enrolled as {@code adjust} makes its individual enrollment. */
  private Device enrolledDevice(String key, UnaryOperator<IndividualEnrollment> adjust)
      throws Exception {
    Device device = device().deviceKey(key);
    emulator
        .registry()
        .addIndividualEnrollment(
            adjust.apply(IndividualEnrollment.symmetricKey(device.registrationId(), key)));
    return device;
  }

  /** A device enrolled with another key than the one it has. */
  private Device wronglyKeyedDevice() throws Exception {
    return enrolledDevice().deviceKey(Device.newKey());
  }

  // The document as written, field by field: the contract the application reads.
  private static JsonNode connectionJson(Device device) throws Exception {
    return JSON.readTree(device.outputDir.resolve("connection.json").toFile());
  }

  @Test
  void individualKeyIsAssignedAndTheOutputsAreWritten() throws Exception {
    String key = Device.newKey();
    Device device = enrolledDevice(key, e -> e.withDeviceId(e.registrationId() + "-dev"));
    String config = device.writeConfig();
    String id = device.registrationId();

    CliRun run = CliRun.of("provision", "--config", config, "--json");

    assertExit(0, run);
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();
    JsonNode json = connectionJson(device);
    assertEquals(record.assignedHub(), json.get("hubHostName").textValue());
    assertEquals(id + "-dev", json.get("deviceId").textValue());
    assertEquals(id, json.get("registrationId").textValue());
    assertEquals(emulator.idScope(), json.get("idScope").textValue());
    assertEquals("symmetric_key", json.get("attestation").textValue());
    assertEquals("sas", json.path("auth").path("type").textValue());
    assertEquals(device.keyFile.toUri().toString(), json.path("auth").path("keyUri").textValue());
    assertEquals("initialAssignment", json.get("substatus").textValue());
    assertTrue(json.get("createdDateTimeUtc").textValue().endsWith("Z"));
    assertEquals(json, JSON.readTree(run.stdout()), "--json prints the document that was written");
    assertEquals(
        "HostName="
            + record.assignedHub()
            + ";DeviceId="
            + id
            + "-dev;SharedAccessKey="
            + key
            + "\n",
        Files.readString(device.outputDir.resolve("connection-string")));
    for (String name : new String[] {"connection.json", "connection-string"}) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(device.outputDir.resolve(name))),
          name);
    }
  }

  @Test
  void groupKeyDerivesTheDeviceKeyOnTheDevice() throws Exception {
    String groupKey = Device.newKey();
    String groupId = "group-" + DEVICES.incrementAndGet();
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey(groupId, groupKey));
    Device device = device().groupKey(groupKey);
    String config = device.writeConfig();
    String id = device.registrationId();

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    ConnectionInfo connection = device.connection();
    assertEquals(id, connection.deviceId());
    assertEquals(Optional.of(groupId), connection.enrollmentGroupId());
    assertFalse(
        connection.hubAuth().references().containsKey("keyUri"),
        "the group key cannot sign for the device");
    String derived =
        SoftwareSymmetricKey.deriveFromGroupKey(SoftwareSymmetricKey.ofBase64(groupKey), id)
            .exportBase64(InsecureSecretKeyAccess.get());
    assertTrue(
        Files.readString(device.outputDir.resolve("connection-string"))
            .endsWith(";SharedAccessKey=" + derived + "\n"));
    assertTrue(
        run.stdout().startsWith("provisioned " + id + " as device " + id + " on "), run.stdout());
  }

  @Test
  void wrongKeyIsRejectedWithExit3AndNoOutput() throws Exception {
    Device device = wronglyKeyedDevice();
    String config = device.writeConfig();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderrHolds(
        3, run, "dps-agent: error: attestation rejected: DPS answered 401 (errorCode 401002");
    assertEquals(List.of(), device.outputs(), "nothing may be written for a rejected device");
  }

  @Test
  void expiredSasIsRejectedByTheEmulator() throws Exception {
    Device device = enrolledDevice();
    String config = device.writeConfig();
    String id = device.registrationId();
    // A device clock two hours behind mints tokens that expired an hour before DPS sees them.
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));

    CliRun run = CliRun.of(behind, "provision", "--config", config, "--json");

    assertStderrHolds(
        3,
        run,
        "attestation rejected: device clock is 7",
        "s behind DPS; fix the time (NTP) and retry");
    JsonNode error = JSON.readTree(run.stdout()).get("error");
    assertEquals(3, error.get("exitCode").intValue());
    assertEquals("attestation_rejected", error.get("kind").textValue());
    assertEquals(
        401,
        emulator.requestLog().entries().stream()
            .filter(e -> e.path().contains("/registrations/" + id + "/"))
            .reduce((a, b) -> b)
            .orElseThrow()
            .status());
  }

  @Test
  void invalidRegistrationIdFailsWithExit2BeforeAnyNetworkCall() throws Exception {
    Device device = device().registrationId("bad_id_").deviceKey(Device.newKey());
    String config = device.writeConfig();
    long before = emulator.requestLog().count();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderr(
        2,
        run,
        "dps-agent: error: config "
            + config
            + ": provisioning.attestation.registration_id: registration ID "
            + "'bad_id_' is invalid; use letters, digits and - . _ : only, ending in a letter, digit or -\n");
    assertEquals(before, emulator.requestLog().count(), "no request may reach DPS");
  }

  @Test
  void disabledEnrollmentEndsWithExit4() throws Exception {
    Device device = enrolledDevice(Device.newKey(), IndividualEnrollment::disabled);
    String config = device.writeConfig();
    String id = device.registrationId();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderrHolds(
        4, run, "dps-agent: error: DPS reports the enrollment of '" + id + "' as disabled");
    assertEquals(List.of(), device.outputs());
  }

  @Test
  void unreachableEndpointEndsWithExit5WithinTheConfiguredBudget() throws Exception {
    int closedPort = ClosedPort.pick();
    Device device =
        device()
            .endpoint("https://localhost:" + closedPort)
            .deviceKey(Device.newKey())
            .config(
                "[provisioning.retry]\nmax_attempts = 4\nmax_elapsed_seconds = 3\ninitial_backoff_ms = 200\nconnect_timeout_seconds = 1");
    String config = device.writeConfig();

    Timed timed = timedProvision(config);

    assertStderrHolds(
        5,
        timed.run(),
        "dps-agent: error: giving up after ",
        "registering with https://localhost:" + closedPort,
        "last error: connection refused or unreachable");
    assertTrue(
        timed.took().compareTo(Duration.ofSeconds(3 + 2)) < 0,
        "the 3 s budget bounds the run; took " + timed.took());
    assertEquals(List.of(), device.outputs());
  }

  @Test
  void aFailedRunLeavesTheExistingConnectionJsonUnchanged() throws Exception {
    Device device = enrolledDevice();
    String config = device.writeConfig();
    assertExit(0, CliRun.of("provision", "--config", config));
    byte[] good = Files.readAllBytes(device.outputDir.resolve("connection.json"));
    byte[] goodString = Files.readAllBytes(device.outputDir.resolve("connection-string"));

    device.deviceKey(Device.newKey()); // the key on the device no longer matches the enrollment
    CliRun failed = CliRun.of("provision", "--config", config);

    assertExit(3, failed);
    assertArrayEquals(good, Files.readAllBytes(device.outputDir.resolve("connection.json")));
    assertArrayEquals(
        goodString, Files.readAllBytes(device.outputDir.resolve("connection-string")));
    assertEquals(
        List.of("connection-string", "connection.json"),
        device.outputs(),
        "no temporary files are left behind");
  }

  @Test
  void noKeyMaterialOrTokenReachesTheLogsEvenVerbose() throws Exception {
    String key = Device.newKey();
    Device device = enrolledDevice(key);
    String config = device.writeConfig();
    String id = device.registrationId();

    CliRun ok = CliRun.of("provision", "--config", config, "--json", "--verbose");
    device.deviceKey(Device.newKey());
    CliRun rejected = CliRun.of("provision", "--config", config, "--json", "--verbose");

    assertExit(0, ok);
    assertExit(3, rejected);
    for (CliRun run : new CliRun[] {ok, rejected}) {
      assertTrue(
          run.stderr().contains("registering " + id + " with " + emulator.httpsEndpoint()),
          run.stderr());
      assertFalse(run.everything().contains(key), "device key leaked");
      assertFalse(run.everything().contains(key.substring(0, 16)), "part of the device key leaked");
      assertFalse(run.everything().contains("SharedAccessSignature"), "SAS token leaked");
      assertFalse(run.everything().contains("sig="), "SAS signature leaked");
    }
  }

  @Test
  void anUntrustedServerCertificateIsAConfigErrorNamingTheTrustBundle() throws Exception {
    Device device = device().withoutTrustBundle().deviceKey(Device.newKey());
    String config = device.writeConfig();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderrHolds(2, run, "dps-agent: error: TLS: the certificate of localhost is issued by '");
    assertTrue(
        run.stderr()
            .endsWith(
                "', which this device does not trust; add its CA to provisioning.trust_bundle\n"),
        run.stderr());
  }

  @Test
  void keyFileReadableByOthersIsRefusedBeforeAnyNetworkCall() throws Exception {
    Device device = device().deviceKey(Device.newKey());
    String config = device.writeConfig();
    Files.setPosixFilePermissions(device.keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    long before = emulator.requestLog().count();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderr(
        2,
        run,
        "dps-agent: error: key file "
            + device.keyFile
            + " is accessible by group or others (mode rw-r--r--); "
            + "run: chmod 600 "
            + device.keyFile
            + "\n");
    assertEquals(before, emulator.requestLog().count());
  }

  @Test
  void throttlingWith429AndRetryAfterIsWaitedOutThenSucceeds() throws Exception {
    Device device = enrolledDevice();
    String config = device.writeConfig();
    emulator.faults().failNext(1, 429, 2);

    Instant start = Instant.now();
    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    assertTrue(
        Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(2)) >= 0,
        "Retry-After: 2 was honoured");
    assertTrue(run.stderr().contains("DPS answered 429"), run.stderr());
  }

  @Test
  void aRunOf503sIsRetriedThenSucceeds() throws Exception {
    Device device =
        enrolledDevice().config("[provisioning.retry]\ninitial_backoff_ms = 100\nmax_attempts = 5");
    String config = device.writeConfig();
    emulator.faults().failNext(3, 503);

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    assertEquals(
        3, run.stderr().lines().filter(l -> l.contains("DPS answered 503")).count(), run.stderr());
  }

  /**
   * Provisions a new enrolled device through {@code proxy} at {@code proxyUri}: exit 0, and every
   * request took the one tunnel to the emulator, sent with {@code authorization}.
   */
  private CliRun provisionThroughOneTunnel(
      ConnectProxy proxy, String proxyUri, Optional<String> authorization, String message)
      throws Exception {
    String config = enrolledDevice().proxy(proxyUri).writeConfig();

    CliRun run = CliRun.of("provision", "--config", config);

    assertExit(0, run);
    assertEquals(
        List.of(
            new ConnectProxy.Tunnel(
                "localhost:" + emulator.httpsEndpoint().getPort(), authorization, 200)),
        proxy.distinctTunnels(),
        message);
    return run;
  }

  @Test
  void registersThroughAnHttpProxy() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.open()) {
      provisionThroughOneTunnel(
          proxy, proxy.uri(), Optional.empty(), "the registration went through the tunnel");
    }
  }

  @Test
  void registersThroughAnHttpProxyWithBasicCredentials() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("dev", "p@ss word")) {
      CliRun run =
          provisionThroughOneTunnel(
              proxy,
              proxy.uriWithCredentials("dev", "p%40ss%20word"),
              Optional.of("Basic ZGV2OnBAc3Mgd29yZA=="),
              "every request went through the authenticated tunnel");
      assertFalse(
          run.everything().contains("p@ss") || run.everything().contains("ZGV2OnBAc3Mgd29yZA"),
          "proxy credentials never reach the output");
    }
  }

  @Test
  void aWrongKeyThroughAnAuthenticatingProxyIsStillReportedAsDpsSaidIt() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("dev", "pw")) {
      Device device = wronglyKeyedDevice().proxy(proxy.uriWithCredentials("dev", "pw"));

      CliRun run = CliRun.of("provision", "--config", device.writeConfig());

      assertStderrHolds(
          3, run, "attestation rejected: DPS answered 401 (errorCode 401002: Unauthorized");
    }
  }
}
