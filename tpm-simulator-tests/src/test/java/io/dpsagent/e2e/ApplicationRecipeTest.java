package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Fully provisioned", proven by the application: for each key home the agent provisions against
 * the emulator, then the example application (examples/hub-client, no agent code) connects to the
 * assigned hub with only what the agent wrote (the connection string, the X.509 files, or for keys
 * in a TPM or token the daemon's hub-token), reads the enrollment's initial twin and sends a
 * message the hub counts.
 */
class ApplicationRecipeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HUB = "localhost";
  private static final String INITIAL_TWIN =
      "{\"properties\":{\"desired\":{\"telemetryInterval\":15,\"site\":\"line-3\"}}}";
  private static final TestPki.Issuer FLEET_CA = TestPki.rootCa("Recipe Fleet CA");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> Emulators.startWithHub(HUB));

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  /** Device {@code id}, in a home of its own, pointed at the emulator. */
  private Device device(String id) throws IOException {
    return Device.named(home, id).endpoint(emulator);
  }

  private static JsonNode initialTwin() throws Exception {
    return JSON.readTree(INITIAL_TWIN);
  }

  private RecipeApplication.Run application(Device device, String... extra) throws Exception {
    return RecipeApplication.run(device, emulator, HUB, extra);
  }

  private void assertFullyProvisioned(Device device, RecipeApplication.Run app) throws Exception {
    assertEquals(0, app.exitCode(), app.events().toString());
    JsonNode expected = initialTwin().get("properties").get("desired").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("$version", 1);
    assertEquals(expected, app.desired());
    String deviceId = device.connection().deviceId();
    assertEquals(1, emulator.hubs().state(HUB).orElseThrow().messages(deviceId));
  }

  private static IndividualEnrollment withTwin(IndividualEnrollment enrollment) throws Exception {
    return enrollment.withOptions(enrollment.options().withInitialTwin(initialTwin()));
  }

  private static EnrollmentGroup withTwin(EnrollmentGroup group) throws Exception {
    return group.withOptions(group.options().withInitialTwin(initialTwin()));
  }

  @Test
  void anIndividualKeyConnectsWithTheConnectionString() throws Exception {
    String key = Device.newKey();
    Device device = device("recipe-sas").deviceKey(key);
    emulator
        .registry()
        .addIndividualEnrollment(withTwin(IndividualEnrollment.symmetricKey("recipe-sas", key)));
    provisioned(device);
    assertFullyProvisioned(device, application(device));
  }

  @Test
  void aGroupDerivedKeyConnectsWithTheConnectionString() throws Exception {
    Device device =
        device("recipe-member")
            .memberOf(emulator, key -> withTwin(EnrollmentGroup.symmetricKey("recipe-group", key)));
    provisioned(device);
    assertFullyProvisioned(device, application(device));
  }

  @Test
  void anX509DeviceConnectsWithItsCertificateFiles() throws Exception {
    TestPki.Leaf leaf = FLEET_CA.leaf("recipe-x509", TestPki.KeyType.EC_P256);
    Path chain = home.resolve("chain.pem");
    Path key = home.resolve("key.pem");
    Files.writeString(chain, TestPki.pem(leaf.chain().toArray()));
    // PKCS#8, the form the recipe reads with the JDK alone
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(leaf.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    emulator
        .registry()
        .addIndividualEnrollment(
            withTwin(IndividualEnrollment.x509("recipe-x509", leaf.certificate())));
    Device device = new Device(home).endpoint(emulator).x509(key.toUri().toString(), chain);
    provisioned(device);
    assertFullyProvisioned(device, application(device));
  }

  @Test
  void aTpmKeyConnectsWithTheDaemonsHubToken() throws Exception {
    Device device =
        new Device(home).endpoint(emulator).tpm(TPM.get()).tokenDir(home.resolve("run"));
    CliRun identity = CliRun.of("tpm", "identity", "--config", device.writeConfig(), "--json");
    assertExit(0, identity);
    JsonNode id = JSON.readTree(identity.stdout());
    emulator
        .registry()
        .addIndividualEnrollment(
            withTwin(
                IndividualEnrollment.tpm(
                    id.get("registrationId").textValue(),
                    Base64.getDecoder().decode(id.get("endorsementKey").textValue()))));
    assertFullyProvisioned(device, underDaemon(device));
  }

  @Test
  void aKeyInAPkcs11TokenConnectsWithTheDaemonsHubToken() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    String uri = token.uri("object=recipe-sas;type=secret-key");
    String key = Device.newKey();
    CliRun imported =
        CliRun.with(key, Map.of(), Clock.systemUTC(), "pkcs11", "import-key", "--uri", uri);
    assertExit(0, imported);
    emulator
        .registry()
        .addIndividualEnrollment(withTwin(IndividualEnrollment.symmetricKey("recipe-token", key)));
    Device device =
        device("recipe-token")
            .symmetricKeyUri(uri)
            .tokenDir(home.resolve("recipe-token").resolve("run"));
    assertFullyProvisioned(device, underDaemon(device));
  }

  /** Runs the daemon until its hub-token exists, then the application with that token file. */
  private RecipeApplication.Run underDaemon(Device device) throws Exception {
    String config = device.writeConfig();
    Path tokenFile = Path.of(config).getParent().resolve("run").resolve("hub-token");
    RunningDaemon daemon = new RunningDaemon(config);
    try {
      Instant deadline = Instant.now().plus(RunningDaemon.BOUND);
      while (!Files.exists(tokenFile) && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      return application(device, "--token-file", tokenFile.toString());
    } finally {
      CliRun stopped = daemon.stopAndWait();
      assertExit(0, stopped);
    }
  }
}
