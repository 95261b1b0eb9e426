package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every flow, succeeding and failing, with {@code --verbose} (and {@code --json} where the
 * command has it) and scans everything the agent printed or wrote, except the files meant to hold a
 * secret, for every secret it was given or computed: keys, derived keys, SAS signatures, PINs and
 * proxy passwords. The expected count of hits is zero; the count of secrets and places scanned is
 * checked too, so that the scan cannot silently cover nothing.
 */
class SecretScanTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A fixed clock makes every DPS SAS token the agent mints computable here, signature included.
   */
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final long SAS_TTL_SECONDS = 3600;

  private static DpsEmulator emulator;
  private static Swtpm tpm;
  private static Fleet fleet;

  @TempDir Path home;

  private final Set<String> secrets = new LinkedHashSet<>();
  private final List<Path> intendedSecretFiles = new ArrayList<>();
  private final List<String> printed = new ArrayList<>();
  private int flows;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulators.startAllTransports();
    fleet = new Fleet(emulator);
    tpm = Swtpm.start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
    tpm.close();
  }

  @Test
  void noFlowPrintsOrWritesASecretOutsideItsSecretFiles() throws Exception {
    symmetricKeyFlows();
    groupDerivedFlow();
    x509Flow();
    pkcs11Flows();
    tpmFlows();
    proxyFlow();
    pastedKeyFlow();
    daemonFlow();

    List<Path> files = scannedFiles();
    List<String> hits = new ArrayList<>();
    for (String secret : secrets) {
      for (int i = 0; i < printed.size(); i++) {
        if (printed.get(i).contains(secret)) {
          hits.add("output of run " + i + " contains a secret: " + printed.get(i));
        }
      }
      for (Path file : files) {
        if (Files.readString(file, StandardCharsets.ISO_8859_1).contains(secret)) {
          hits.add(file + " contains a secret");
        }
      }
    }
    assertEquals(List.of(), hits);
    assertEquals(15, flows, "every flow ran");
    assertTrue(secrets.size() >= 25, "secrets collected: " + secrets.size());
    assertTrue(files.size() >= 20, "files scanned: " + files);
    System.out.printf(
        "secret scan: %d flows, %d secrets, %d outputs and %d files scanned, 0 hits%n",
        flows, secrets.size(), printed.size(), files.size());
  }

  // --- flows

  private void symmetricKeyFlows() throws Exception {
    Device ok = fleet.enrolled(dir("sym-ok"), "symmetric-individual", "https");
    expectExit(0, ok, "provision", "--json");
    Device mqtt = fleet.enrolled(dir("sym-mqtt"), "symmetric-individual", "mqtt");
    expectExit(0, mqtt, "provision", "--json");

    Device wrongKey = device("sym-wrong-key", "https").deviceKey(newKey());
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey("sym-wrong-key", Device.newKey()));
    expectExit(3, wrongKey, "provision", "--json");

    String key = newKey();
    Device disabled = device("sym-disabled", "https").deviceKey(key);
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("sym-disabled", key).disabled());
    expectExit(4, disabled, "provision", "--json");

    Device down =
        device("sym-down", "https")
            .endpoint("https://localhost:" + ClosedPort.pick())
            .deviceKey(newKey())
            .config(
                "[provisioning.retry]\nmax_attempts = 2\nmax_elapsed_seconds = 3\ninitial_backoff_ms = 100");
    expectExit(5, down, "provision", "--json");
  }

  private void groupDerivedFlow() throws Exception {
    Device member = fleet.enrolled(dir("group"), "symmetric-group", "https");
    String groupKey = member.symmetricKey();
    secrets.add(
        SoftwareSymmetricKey.deriveFromGroupKey(
                SoftwareSymmetricKey.ofBase64(groupKey), member.registrationId())
            .exportBase64(InsecureSecretKeyAccess.get()));
    expectExit(0, member, "provision", "--json");
  }

  private void x509Flow() throws Exception {
    Path home = dir("x509");
    TestPki.Leaf leaf = TestPki.rootCa("scan CA").leaf("scan-x509", KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.x509("scan-x509", leaf.certificate()));
    Device device = new Device(home).registrationId("scan-x509").endpoint(emulator).x509(leaf);
    String der = Base64.getEncoder().encodeToString(leaf.privateKey().getEncoded());
    secrets.add(der.substring(der.length() - 40)); // the private value sits at the end of PKCS#8
    intendedSecretFiles.add(home.resolve("device-key.pem"));
    expectExit(0, device, "provision", "--json");
  }

  private void pkcs11Flows() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    secrets.add(token.userPin());
    secrets.add(token.soPin());
    String key = newKey();
    String uri = token.uri("object=scan-sas;type=secret-key");
    CliRun imported = CliRun.with(key, Map.of(), CLOCK, "pkcs11", "import-key", "--uri", uri);
    record(imported, 0);
    Device device = tokenDevice("p11-ok", uri);
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey("p11-ok", key));
    dpsSignature("p11-ok", key);
    expectExit(0, device, "provision", "--json");

    Path wrongPin = dir("p11-pin").resolve("wrong.pin");
    Files.writeString(wrongPin, "0000-scan-wrong-pin");
    Files.setPosixFilePermissions(wrongPin, PosixFilePermissions.fromString("rw-------"));
    secrets.add("0000-scan-wrong-pin");
    intendedSecretFiles.add(wrongPin);
    SoftHsm.Token other = SoftHsm.newToken();
    String wrong =
        other
            .uri("object=k;type=secret-key")
            .replace("pin-source=file:" + other.pinFile(), "pin-source=file:" + wrongPin);
    expectExit(6, tokenDevice("p11-wrong-pin", wrong), "provision", "--json");
  }

  private void tpmFlows() throws Exception {
    Device device = new Device(dir("tpm")).endpoint(emulator).tpm(tpm);
    CliRun identity =
        CliRun.of(CLOCK, "tpm", "identity", "--config", device.writeConfig(), "--json");
    record(identity, 0);
    JsonNode id = JSON.readTree(identity.stdout());
    String registrationId = id.get("registrationId").textValue();
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.tpm(
                registrationId, Base64.getDecoder().decode(id.get("endorsementKey").textValue())));
    expectExit(0, device, "provision", "--json");

    String hubKey =
        emulator
            .registry()
            .registration(registrationId)
            .orElseThrow()
            .tpmDeviceKey()
            .orElseThrow()
            .toBase64();
    secrets.add(hubKey);
    // The token command's stdout is its product; its signature must show nowhere else.
    CliRun token =
        CliRun.of(CLOCK, "token", "--config", device.configFile.toString(), "--ttl", "600");
    assertExit(0, token);
    String sig = field(token.stdout().strip(), "sig");
    secrets.add(sig);
    secrets.add(URLDecoder.decode(sig, StandardCharsets.UTF_8));
    printed.add(token.stderr());
  }

  private void proxyFlow() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("scan-user", "pa+ss w0rd!")) {
      Device device =
          fleet
              .enrolled(dir("proxy"), "symmetric-individual", "https")
              .proxy(proxy.uriWithCredentials("scan-user", "pa%2Bss%20w0rd%21"));
      secrets.add("pa+ss w0rd!");
      secrets.add("pa%2Bss%20w0rd%21");
      secrets.add(
          Base64.getEncoder()
              .encodeToString("scan-user:pa+ss w0rd!".getBytes(StandardCharsets.UTF_8)));
      intendedSecretFiles.add(device.configFile); // the operator's own copy of the proxy password
      expectExit(0, device, "provision", "--json");
    }
  }

  private void pastedKeyFlow() throws Exception {
    Device device = device("pasted", "https").symmetricKeyUri(newKey());
    intendedSecretFiles.add(
        device.configFile); // the operator put the key there; the agent must not repeat it
    expectExit(2, device, "provision", "--json");
  }

  private void daemonFlow() throws Exception {
    Path home = dir("daemon");
    Device device =
        fleet.enrolled(home, "symmetric-individual", "https").tokenDir(home.resolve("run"));
    String config = device.writeConfig();
    trackDeviceSecrets(device);
    Signals stop = new Signals();
    CompletableFuture<CliRun> running =
        CompletableFuture.supplyAsync(
            () -> CliRun.until(stop, Map.of(), "run", "--verbose", "--config", config));
    Path tokenFile = home.resolve("run").resolve("hub-token");
    Instant deadline = Instant.now().plusSeconds(30);
    while (!Files.exists(tokenFile) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    stop.stop();
    CliRun run = running.get(30, TimeUnit.SECONDS);
    record(run, 0);
    String sig = field(Files.readString(tokenFile).strip(), "sig");
    secrets.add(sig);
    secrets.add(URLDecoder.decode(sig, StandardCharsets.UTF_8));
    intendedSecretFiles.add(tokenFile);
  }

  // --- helpers

  private Path dir(String name) throws Exception {
    return Files.createDirectories(home.resolve(name));
  }

  private Device device(String id, String transport) throws Exception {
    return new Device(dir(id)).registrationId(id).endpoint(emulator, transport);
  }

  private Device tokenDevice(String id, String keyUri) throws Exception {
    return device(id, "https").symmetricKeyUri(keyUri);
  }

  /** A new random key, remembered as a secret. */
  private String newKey() {
    String key = Device.newKey();
    secrets.add(key);
    return key;
  }

  /**
   * Runs a command on the device's config at the fixed clock, with --verbose, and records what it
   * printed.
   */
  private void expectExit(int exitCode, Device device, String... command) throws Exception {
    device.writeConfig();
    trackDeviceSecrets(device);
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--verbose", "--config", device.configFile.toString()));
    CliRun run = CliRun.of(CLOCK, args.toArray(String[]::new));
    record(run, exitCode);
    if (run.stdout().startsWith("{")) {
      JSON.readTree(run.stdout()); // the --json document parses: it is scanned as a whole
    }
  }

  private void record(CliRun run, int exitCode) {
    assertExit(exitCode, run);
    printed.add(run.stdout());
    printed.add(run.stderr());
    flows++;
  }

  /** The device's key file, and the DPS signature the agent computes with it at the fixed clock. */
  private void trackDeviceSecrets(Device device) throws Exception {
    if (Files.exists(device.keyFile) && device.registrationId() != null) {
      String key = device.symmetricKey();
      if (!key.equals("unused")) {
        secrets.add(key);
        dpsSignature(device.registrationId(), key);
      }
      intendedSecretFiles.add(device.keyFile);
    }
    intendedSecretFiles.add(device.outputDir.resolve("connection-string"));
  }

  private void dpsSignature(String registrationId, String key) throws Exception {
    String token =
        SasToken.forDpsRegistration(
            emulator.idScope(),
            registrationId,
            SoftwareSymmetricKey.ofBase64(key),
            NOW.plusSeconds(SAS_TTL_SECONDS));
    String sig = field(token, "sig");
    secrets.add(sig);
    secrets.add(URLDecoder.decode(sig, StandardCharsets.UTF_8));
  }

  private static String field(String token, String name) {
    for (String pair : token.substring(token.indexOf(' ') + 1).split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in token");
  }

  private List<Path> scannedFiles() throws Exception {
    try (Stream<Path> all = Files.walk(home)) {
      return all.filter(Files::isRegularFile)
          .filter(f -> !intendedSecretFiles.contains(f))
          .toList();
    }
  }
}
