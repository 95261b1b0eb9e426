package io.dpsagent.e2e;

import static io.dpsagent.e2e.IssuingDevices.issuanceTable;
import static io.dpsagent.e2e.IssuingDevices.issuing;
import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.provisionExits;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.hub.HubCredential;
import io.dpsagent.emulator.hub.HubDevice;
import io.dpsagent.emulator.hub.HubDirectory;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.example.KeyHomeHubConnection;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.pem.Pem;
import io.dpsagent.hsm.software.SoftwareKeyPairs;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmSigningKey;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Certificate issuance at provisioning, end to end for each key home: the agent sends a CSR signed
 * where its key lives, the emulator's issuing CA answers with a chain that {@code openssl verify}
 * accepts, the leaf certifies that very key, and the device then connects to its hub with it.
 */
class CertificateIssuanceTest {

  private static final String HUB = "localhost";
  private static final TestPki.Issuer FLEET_CA = TestPki.rootCa("Issuance Fleet CA");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(
          () ->
              DpsEmulator.start(
                  Emulators.issuing(HUB, Duration.ofDays(2)).mqtt5(Mqtt5Policy.ACCEPT).build()));

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  @RegisterExtension
  static final ClassFixture<RefusingHub> REFUSING_HUB = ClassFixture.of(RefusingHub::start);

  /**
   * A hub that holds every device but refuses any client certificate: what a hub that does not
   * accept the certificate DPS issued answers. It has a CA of its own ({@code caFile}).
   */
  record RefusingHub(HubServer server, Path caFile) implements AutoCloseable {
    static RefusingHub start() throws Exception {
      LocalCertificateAuthority ca = LocalCertificateAuthority.create();
      Path caFile = Files.createTempFile("refusing-hub-ca", ".pem");
      Files.writeString(caFile, TestPki.pem(ca.certificate()));
      HubDirectory everyDevice =
          (host, deviceId) ->
              Optional.of(
                  new HubDevice(
                      deviceId,
                      new HubCredential.ClientCertificate(chain -> false),
                      Optional.empty()));
      return new RefusingHub(LoopbackHubs.start(ca, HUB, everyDevice), caFile);
    }

    @Override
    public void close() throws IOException {
      server.close();
      Files.deleteIfExists(caFile);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DESIRED = "{\"interval\":30,\"$version\":1}";

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt", "mqtt5", "mqtt-ws"})
  void aGeneratedFileKeyGetsAChainTheApplicationConnectsWith(String transport) throws Exception {
    String id = "issued-file-" + transport;
    Device device = symmetricKeyDevice(id, transport, true);
    Path key = home.resolve("issued-key.pem");
    device.config(issuanceTable(key.toUri().toString(), ""));

    provisioned(device);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    List<X509Certificate> chain = assertIssued(device, id);
    assertArrayEquals(
        SoftwareKeyPairs.readOrGenerate(key).getPublic().getEncoded(),
        chain.get(0).getPublicKey().getEncoded());
    assertEquals(0, runApplication(device), "the example application exits 0");
    assertEquals(1, emulator.hubs().state(HUB).orElseThrow().messages(id));
  }

  @Test
  void theKeyIsKeptAndTheNextProvisioningReplacesTheChainForTheSameKey() throws Exception {
    String id = "issued-again";
    Device device = symmetricKeyDevice(id, "https", true);
    Path key = home.resolve("issued-key.pem");
    device.config(issuanceTable(key.toUri().toString(), "api_version = \"2025-07-01-preview\""));
    provisioned(device);
    byte[] firstKey = Files.readAllBytes(key);
    IssuedCertificate first = device.connection().certificate().orElseThrow();

    provisioned(device);

    assertArrayEquals(firstKey, Files.readAllBytes(key));
    IssuedCertificate second = device.connection().certificate().orElseThrow();
    assertFalse(first.sha256Fingerprint().equals(second.sha256Fingerprint()));
    assertIssued(device, id);
  }

  @Test
  void anX509DeviceWithAFileKeyGetsItsOperationalCertificate() throws Exception {
    TestPki.Leaf leaf = FLEET_CA.leaf("issued-x509", TestPki.KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(
            issuing(IndividualEnrollment.x509("issued-x509", leaf.certificate()), true));
    Device device = new Device(home).endpoint(emulator).x509(leaf);
    device.config(issuanceTable(home.resolve("operational.pem").toUri().toString(), ""));

    provisioned(device);

    List<X509Certificate> chain = assertIssued(device, "issued-x509");
    assertFalse(chain.get(0).getPublicKey().equals(leaf.certificate().getPublicKey()));
    assertEquals(0, runApplication(device));
    assertEquals(1, emulator.hubs().state(HUB).orElseThrow().messages("issued-x509"));
  }

  @Test
  void aGroupMemberGetsACertificateToo() throws Exception {
    Device device =
        Device.named(home, "issued-member")
            .endpoint(emulator)
            .memberOf(emulator, key -> issuing(EnrollmentGroup.symmetricKey("issuing-group", key)));
    device.config(issuanceTable(home.resolve("member-key.pem").toUri().toString(), ""));

    provisioned(device);

    assertIssued(device, "issued-member");
  }

  @Test
  void aKeyPairGeneratedInASoftHsmTokenIsCertifiedAndConnects() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    String keyUri = token.uri("object=issued-token-key;type=private");
    String id = "issued-token";
    Device device = symmetricKeyDevice(id, "https", true);
    device.config(issuanceTable(keyUri, ""));

    provisioned(device);

    List<X509Certificate> chain = assertIssued(device, id);
    // The token's key is the leaf's: the identity refuses a chain for another key.
    TlsIdentity identity =
        Keys.tlsIdentity(
            Optional.of(KeyUri.ofFile(chainFile(device))),
            KeyUri.parse(keyUri),
            KeyOptions.defaults());
    assertEquals(chain.get(0), identity.leaf());
    KeyHomeHubConnection.connectAndSend(device.outputDir, hubPort(), emulator.caFile(), identity);
    assertEquals(1, emulator.hubs().state(HUB).orElseThrow().messages(id));
  }

  @Test
  void aPersistentKeyGeneratedInTheTpmIsCertifiedAndConnects() throws Exception {
    int handle = 0x81000111;
    String id = "issued-tpm";
    Device device = symmetricKeyDevice(id, "https", true);
    device.config(
        issuanceTable("tpm:handle=0x81000111", "")
            + "[tpm]\ntcti = \""
            + TPM.get().tcti()
            + "\"\n");

    provisioned(device);

    List<X509Certificate> chain = assertIssued(device, id);
    assertEquals(
        TpmSigningKeys.read(TPM.get().tcti(), TpmTimeouts.defaults(), handle).publicKey(),
        chain.get(0).getPublicKey());
    TlsIdentity identity =
        Keys.tlsIdentity(
            Optional.of(KeyUri.ofFile(chainFile(device))),
            KeyUri.parse("tpm:handle=0x81000111"),
            KeyOptions.defaults().withTpmTcti(TPM.get().tcti()));
    KeyHomeHubConnection.connectAndSend(device.outputDir, hubPort(), emulator.caFile(), identity);
    assertEquals(1, emulator.hubs().state(HUB).orElseThrow().messages(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "pkcs11", "tpm"})
  void provisionVerifiesTheHubWithTheIssuedCertificateAndWritesTheInitialConfig(String keyHome)
      throws Exception {
    String id = "issued-verified-" + keyHome;
    Device device = issuingDeviceWithInitialTwin(id);
    device.config(
        issuanceTable(keyUri(keyHome, 0x81000121), "")
            + tpmTable()
            + hubTable(hubPort(), emulator.caFile()));

    CliRun run = provisioned(device);

    assertTrue(
        run.stdout()
            .contains(
                "\nhub reachable: localhost:"
                    + hubPort()
                    + " accepted the device and sent its twin\n"),
        run.stdout());
    assertEquals(HubVerification.Result.REACHABLE, device.connection().hubVerification().result());
    assertEquals(JSON.readTree(DESIRED), JSON.readTree(initialConfig(device).toFile()));
    assertEquals(
        List.of("connection-string", "connection.json", "device-cert.pem", "initial-config.json"),
        device.outputs());
    assertIssued(device, id);
    assertTrue(emulator.hubs().state(HUB).orElseThrow().existingTwin(id).isPresent());
  }

  @Test
  void theDaemonVerifiesTheHubWithTheIssuedCertificate() throws Exception {
    String id = "issued-daemon";
    Device device = daemonDevice(id).config(hubTable(hubPort(), emulator.caFile()));

    runDaemonUntilConfigured(device);

    assertEquals(JSON.readTree(DESIRED), JSON.readTree(initialConfig(device).toFile()));
    assertEquals(HubVerification.Result.REACHABLE, device.connection().hubVerification().result());
    assertIssued(device, id);
  }

  @Test
  void aRestartedDaemonVerifiesItsCachedIssuedSetWithTheIssuedCertificate() throws Exception {
    String id = "issued-cached";
    Device device = daemonDevice(id);
    provisioned(device); // provision leaves the hub unverified by default
    assertEquals(
        HubVerification.Result.NOT_VERIFIED, device.connection().hubVerification().result());
    device.config(hubTable(hubPort(), emulator.caFile()));

    CliRun stopped = runDaemonUntilConfigured(device);

    assertTrue(
        stopped.stderr().contains("using the cached assignment of " + id), stopped.toString());
    assertEquals(1, registerCount(id), "the cached set is served, not registered again");
    assertEquals(HubVerification.Result.REACHABLE, device.connection().hubVerification().result());
    assertEquals(JSON.readTree(DESIRED), JSON.readTree(initialConfig(device).toFile()));
    assertEquals("x509", device.connection().hubAuth().type());
  }

  @Test
  void aHubThatRefusesTheIssuedCertificateExits3AndWritesNothing() throws Exception {
    String id = "issued-refused";
    Device device = symmetricKeyDevice(id, "https", true);
    Path key = home.resolve("refused-key.pem");
    device.config(
        issuanceTable(key.toUri().toString(), "")
            + hubTable(REFUSING_HUB.get().server().port(), REFUSING_HUB.get().caFile()));

    CliRun run = provisionExits(device, 3);

    assertEquals(
        "dps-agent: error: the hub localhost refused device "
            + id
            + " with CONNACK 5 (not authorized): DPS assigned it there, but the hub does not accept"
            + " its credential",
        run.stderr().strip().lines().reduce((first, last) -> last).orElseThrow());
    assertEquals("", run.stdout());
    assertEquals(List.of(), device.outputs());
    assertTrue(Files.exists(key), "the generated key stays for the next registration");
  }

  @Test
  void aTpmAttestedDeviceGetsACertificateForAKeyInTheSameTpm() throws Exception {
    Device device = new Device(home).endpoint(emulator).tpm(TPM.get());
    CliRun identity = CliRun.of("tpm", "identity", "--config", device.writeConfig(), "--json");
    assertExit(0, identity);
    JsonNode tpmIdentity = JSON.readTree(identity.stdout());
    String id = tpmIdentity.get("registrationId").textValue();
    byte[] endorsementKey =
        Base64.getDecoder().decode(tpmIdentity.get("endorsementKey").textValue());
    emulator
        .registry()
        .addIndividualEnrollment(issuing(IndividualEnrollment.tpm(id, endorsementKey), true));
    int handle = 0x81000131;
    device.config(
        issuanceTable(String.format("tpm:handle=0x%08X", handle), "")
            + hubTable(hubPort(), emulator.caFile()));

    provisioned(device);

    assertEquals(HubVerification.Result.REACHABLE, device.connection().hubVerification().result());
    assertEquals("tpm", device.connection().attestation());
    List<X509Certificate> chain = assertIssued(device, id);
    TpmSigningKey key = TpmSigningKeys.read(TPM.get().tcti(), TpmTimeouts.defaults(), handle);
    assertEquals(key.publicKey(), chain.get(0).getPublicKey());
    assertTrue(key.nonDuplicable(), key.toString());
  }

  @Test
  void aCsrOnAnEnrollmentNotSetForIssuanceEndsWithTheDpsErrorAndExit4() throws Exception {
    Device device = symmetricKeyDevice("not-issuing", "https", false);
    device.config(issuanceTable(home.resolve("k.pem").toUri().toString(), ""));

    CliRun run = provisionExits(device, 4);

    assertTrue(
        run.stderr()
            .contains(
                "dps-agent: error: registration refused: DPS answered 400 (errorCode 400401: The"
                    + " enrollment is not set for certificate issuance; send the request without"
                    + " csr, or enable certificate issuance on the enrollment. (tracking ID "),
        run.stderr());
    assertEquals(List.of(), device.outputs());
  }

  /** A symmetric-key device enrolled for issuance, with {@link #DESIRED} in its initial twin. */
  private Device issuingDeviceWithInitialTwin(String id) throws Exception {
    String key = Device.newKey();
    IndividualEnrollment enrollment = IndividualEnrollment.symmetricKey(id, key);
    emulator
        .registry()
        .addIndividualEnrollment(
            enrollment.withOptions(
                enrollment
                    .options()
                    .withCertificateIssuance(true)
                    .withInitialTwin(
                        JSON.readTree("{\"properties\":{\"desired\":" + DESIRED + "}}"))));
    return Device.named(home, id).endpoint(emulator, "https").deviceKey(key);
  }

  /** An issuance key URI in {@code keyHome}: a file, a fresh SoftHSM2 token, or a TPM handle. */
  private String keyUri(String keyHome, int tpmHandle) throws Exception {
    return switch (keyHome) {
      case "file" -> home.resolve("issued-key.pem").toUri().toString();
      case "pkcs11" -> SoftHsm.newToken().uri("object=issued-key;type=private");
      case "tpm" -> String.format("tpm:handle=0x%08X", tpmHandle);
      default -> throw new IllegalArgumentException(keyHome);
    };
  }

  private static String tpmTable() {
    return "[tpm]\ntcti = \"" + TPM.get().tcti() + "\"\n";
  }

  /** Verification on, against the hub at {@code port} whose certificate {@code caFile} issued. */
  private static String hubTable(int port, Path caFile) {
    return "[hub]\nverify = true\nport = " + port + "\nca_file = \"" + caFile + "\"\n";
  }

  private long registerCount(String registrationId) {
    String path = "/" + emulator.idScope() + "/registrations/" + registrationId + "/register";
    return emulator.requestLog().entries().stream()
        .filter(e -> e.method().equals("PUT") && e.path().equals(path))
        .count();
  }

  private static Path initialConfig(Device device) {
    return device.outputDir.resolve("initial-config.json");
  }

  /** {@link #issuingDeviceWithInitialTwin} with a file issuance key, for the daemon. */
  private Device daemonDevice(String id) throws Exception {
    return issuingDeviceWithInitialTwin(id)
        .output("token_dir = \"" + home.resolve("run-" + id) + "\"")
        .config(issuanceTable(keyUri("file", 0), ""));
  }

  /** The daemon of {@code device} until it has written the initial config; it stops with 0. */
  private static CliRun runDaemonUntilConfigured(Device device) throws Exception {
    RunningDaemon daemon = new RunningDaemon(device.writeConfig());
    awaitFile(initialConfig(device));
    CliRun stopped = daemon.stopAndWait();
    assertExit(0, stopped);
    return stopped;
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + RunningDaemon.BOUND.toNanos();
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private Device symmetricKeyDevice(String id, String transport, boolean issuance)
      throws IOException {
    return IssuingDevices.symmetricKey(emulator, home, id, transport, issuance);
  }

  private static Path chainFile(Device device) {
    return device.outputDir.resolve("device-cert.pem");
  }

  /**
   * The chain the agent wrote: leaf first for {@code registrationId}, accepted by {@code openssl
   * verify} against the emulator's issuing root with the intermediates as untrusted, and recorded
   * in connection.json.
   */
  private List<X509Certificate> assertIssued(Device device, String registrationId)
      throws Exception {
    ConnectionInfo connection = device.connection();
    IssuedCertificate issued = connection.certificate().orElseThrow();
    Path file = issued.file();
    List<X509Certificate> chain = Pem.requireCertificates(file);
    assertEquals(3, chain.size());
    X509Certificate leaf = chain.get(0);
    assertEquals(new X500Principal("CN=" + registrationId), leaf.getSubjectX500Principal());
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())),
        issued.sha256Fingerprint());
    assertEquals(leaf.getNotAfter().toInstant(), issued.notAfter());
    assertEquals(leaf.getNotBefore().toInstant(), issued.notBefore());
    assertEquals("x509", connection.hubAuth().type());
    assertEquals(file.toUri().toString(), connection.hubAuth().references().get("certificateUri"));
    Path leafFile = home.resolve("leaf-" + registrationId + ".pem");
    Path intermediates = home.resolve("intermediates-" + registrationId + ".pem");
    Files.writeString(leafFile, Pem.encode(leaf));
    Files.writeString(intermediates, Pem.encode(chain.get(1)));
    assertEquals(
        leafFile + ": OK",
        openssl(
            "verify",
            "-CAfile",
            emulator.issuingCaFile().toString(),
            "-untrusted",
            intermediates.toString(),
            leafFile.toString()));
    return chain;
  }

  private static String openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("openssl did not finish in 30 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output.strip();
  }

  private int hubPort() {
    return emulator.hubs().port(HUB).orElseThrow();
  }

  /** The example application on the agent's outputs; its exit code. */
  private int runApplication(Device device) throws Exception {
    return RecipeApplication.run(device, emulator, HUB).exitCode();
  }
}
