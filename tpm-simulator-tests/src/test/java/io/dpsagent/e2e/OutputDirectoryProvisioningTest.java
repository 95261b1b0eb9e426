package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.agent.dps.RegistrationClient;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output directory as the agent finds it: unusable ones are refused before DPS hears of the
 * device, directories anybody may write do not receive keys, and agents sharing one directory take
 * turns instead of interleaving their files.
 */
class OutputDirectoryProvisioningTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger DEVICES = new AtomicInteger();
  private static final Duration BOUND = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  /**
   * An enrolled symmetric-key device with its own home; its device ID is its registration ID +
   * "-dev".
   */
  private Device enrolledDevice(Path deviceHome, String key) throws Exception {
    Files.createDirectories(deviceHome);
    String id = "out-" + DEVICES.incrementAndGet();
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(id, key).withDeviceId(id + "-dev"));
    return new Device(deviceHome).registrationId(id).deviceKey(key).endpoint(emulator);
  }

  private Device enrolledDevice() throws Exception {
    return enrolledDevice(home, Device.newKey());
  }

  /**
   * Runs {@code provision} and checks it was refused with exit 2 and {@code message} before any
   * request.
   */
  private void assertRefusedBeforeAnyRequest(Device device, String message) throws Exception {
    String config = device.writeConfig();
    long before = emulator.requestLog().count();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderr(2, run, "dps-agent: error: " + message + "\n");
    assertEquals(before, emulator.requestLog().count(), "no request may reach DPS");
    assertTrue(
        emulator.registry().registration(device.registrationId()).isEmpty(), "DPS has no record");
  }

  /** Runs the daemon: it must stop with exit 2 and {@code message} before any request. */
  private void assertDaemonRefusedBeforeAnyRequest(Device device, String message) throws Exception {
    String config = device.writeConfig();
    long before = emulator.requestLog().count();

    CliRun run = daemonOutcome(config);

    assertStderr(2, run, "dps-agent: error: " + message + "\n");
    assertEquals(before, emulator.requestLog().count(), "no request may reach DPS");
  }

  /**
   * Runs the daemon in this JVM until it ends by itself, or fails the test (and stops it) after a
   * bound.
   */
  private static CliRun daemonOutcome(String config) throws Exception {
    Signals stop = new Signals();
    CompletableFuture<CliRun> run =
        CompletableFuture.supplyAsync(
            () -> CliRun.until(stop, Map.of(), "run", "--config", config));
    try {
      return run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      stop.stop();
      throw new AssertionError(
          "the daemon kept running: " + run.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void aPlainFileAsOutputDirIsRefusedBeforeAnyRequest() throws Exception {
    Device device = enrolledDevice();
    Path file = home.resolve("not-a-dir");
    Files.writeString(file, "x");

    assertRefusedBeforeAnyRequest(
        device.outputDir(file),
        "output.dir "
            + file
            + " cannot be written: not a directory; a file is in the way; set output.dir to a directory");
    assertEquals("x", Files.readString(file));
  }

  @Test
  void anOutputDirUnderAPlainFileIsRefusedBeforeAnyRequest() throws Exception {
    Device device = enrolledDevice();
    Path file = home.resolve("plain");
    Files.writeString(file, "x");
    Path dir = file.resolve("out");

    assertRefusedBeforeAnyRequest(
        device.outputDir(dir),
        "output.dir "
            + dir
            + " cannot be written: not a directory; a file is in the way; set output.dir to a directory");
  }

  @Test
  void anOutputDirNotEvenRootMayWriteIsRefusedBeforeAnyRequest() throws Exception {
    // sysfs directories refuse new files to everyone, root included: a real EACCES without a mount.
    Path dir = Path.of("/sys/kernel");
    assumeTrue(Files.isDirectory(dir), "needs sysfs");
    assertThrows(
        AccessDeniedException.class, () -> Files.createFile(dir.resolve("dps-agent-probe")));
    Device device = enrolledDevice();

    assertRefusedBeforeAnyRequest(
        device.outputDir(dir),
        "output.dir "
            + dir
            + " cannot be written: "
            + "permission denied; let the agent's user write there (chown or chmod it) or set output.dir to a "
            + "directory it can write");
  }

  @Test
  void aDaemonWhoseTokenDirIsUnusableStopsWithExit2BeforeAnyRequest() throws Exception {
    Path file = home.resolve("plain");
    Files.writeString(file, "x");
    Path tokenDir = file.resolve("run");

    assertDaemonRefusedBeforeAnyRequest(
        enrolledDevice().tokenDir(tokenDir),
        "output.token_dir "
            + tokenDir
            + " cannot be written: not a directory; "
            + "a file is in the way; set output.token_dir to a directory");
  }

  @Test
  void aWorldWritableOutputDirGetsNoDeviceKey() throws Exception {
    Device device = enrolledDevice();
    directoryWithMode(device.outputDir, "rwxrwxrwx");

    assertRefusedBeforeAnyRequest(
        device,
        "output.dir "
            + device.outputDir
            + " is writable by everyone "
            + "(mode rwxrwxrwx) and would hold the device key (connection-string); run: chmod 750 "
            + device.outputDir);
    try (Stream<Path> listing = Files.list(device.outputDir)) {
      assertEquals(0, listing.count(), "nothing is written");
    }
  }

  private static void directoryWithMode(Path dir, String mode) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
  }

  /** Provisions (exit 0), warning that {@code who} may write the output directory. */
  private static void assertProvisionedWarningOfWriters(Device device, String who, String mode)
      throws Exception {
    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(
        0,
        run,
        "dps-agent: warning: output.dir "
            + device.outputDir
            + " is writable by "
            + who
            + " (mode "
            + mode
            + "), who can replace the files the agent writes; run: chmod 750 "
            + device.outputDir
            + "\n");
  }

  @Test
  void aWorldWritableOutputDirWithoutSecretsIsUsedWithAWarning() throws Exception {
    Device device = enrolledDevice().output("connection_string = false");
    directoryWithMode(device.outputDir, "rwxrwxrwx");

    assertProvisionedWarningOfWriters(device, "everyone", "rwxrwxrwx");
    assertEquals(
        device.registrationId() + "-dev",
        connectionJson(device.outputDir).get("deviceId").textValue());
    assertFalse(Files.exists(device.outputDir.resolve("connection-string")));
  }

  @Test
  void aGroupWritableOutputDirGetsTheKeyWithAWarning() throws Exception {
    Device device = enrolledDevice();
    directoryWithMode(device.outputDir, "rwxrwx---");

    assertProvisionedWarningOfWriters(device, "its group", "rwxrwx---");
    assertTrue(Files.exists(device.outputDir.resolve("connection-string")));
  }

  @Test
  void aDaemonRefusesToWriteItsTokenIntoAWorldWritableTokenDir() throws Exception {
    Path tokenDir = home.resolve("run");
    directoryWithMode(tokenDir, "rwxrwxrwx");

    assertDaemonRefusedBeforeAnyRequest(
        enrolledDevice().tokenDir(tokenDir),
        "output.token_dir "
            + tokenDir
            + " is writable by everyone (mode rwxrwxrwx) and "
            + "would hold the hub token (hub-token); run: chmod 750 "
            + tokenDir);
    assertFalse(Files.exists(tokenDir.resolve("hub-token")));
  }

  /**
   * Six provisions of different devices into one directory, eight times over. Their polls are lined
   * up (each waits out Retry-After, then for the others), so that their writes overlap: without a
   * lock about half the rounds ended with connection.json naming one device and connection-string
   * another.
   */
  @Test
  void sixConcurrentProvisionsIntoOneDirectoryLeaveOneDevicesCompleteSet() throws Exception {
    Path shared = home.resolve("shared");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 8; round++) {
        RegistrationClient.Sleeper together = linedUp(6);
        Map<String, String> keys = new HashMap<>();
        List<Future<CliRun>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String key = Device.newKey();
          Device device =
              enrolledDevice(home.resolve("r" + round + "d" + i), key).outputDir(shared);
          keys.put(device.registrationId(), key);
          String config = device.writeConfig();
          runs.add(
              pool.submit(() -> CliRun.sleepingWith(together, "provision", "--config", config)));
        }
        for (Future<CliRun> run : runs) {
          CliRun done = run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
          assertExit(0, done);
        }

        JsonNode json = connectionJson(shared);
        String id = json.get("registrationId").textValue();
        assertEquals(id + "-dev", json.get("deviceId").textValue());
        assertEquals(
            "HostName="
                + json.get("hubHostName").textValue()
                + ";DeviceId="
                + id
                + "-dev;SharedAccessKey="
                + keys.get(id)
                + "\n",
            Files.readString(shared.resolve("connection-string")),
            "round " + round);
        try (Stream<Path> listing = Files.list(shared)) {
          assertEquals(
              List.of("connection-string", "connection.json"),
              listing
                  .map(p -> p.getFileName().toString())
                  .filter(name -> !name.equals(".lock"))
                  .sorted()
                  .toList(),
              "no temporary files are left behind");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Sleeps as asked, then waits (boundedly) for {@code parties} sleepers in all, so they all go on
   * at once.
   */
  private static RegistrationClient.Sleeper linedUp(int parties) {
    CyclicBarrier barrier = new CyclicBarrier(parties);
    return duration -> {
      Thread.sleep(duration.toMillis());
      try {
        barrier.await(10, TimeUnit.SECONDS);
      } catch (BrokenBarrierException | TimeoutException e) {
        // a party that did not come only costs the overlap, not the run
      }
    };
  }

  @Test
  void aDaemonHoldsItsDirectoryForItsLifeAndNamesItsPidToOthers() throws Exception {
    Device device = enrolledDevice().tokenDir(home.resolve("run"));
    String config = device.writeConfig();
    String inUse =
        "dps-agent: error: output.dir "
            + device.outputDir
            + " is in use by dps-agent run (PID %d); "
            + "stop that daemon first (systemctl stop dps-agent) or set output.dir to another directory\n";

    try (AgentProcess first =
        AgentProcess.start(home.resolve("logs"), java.util.Map.of(), "run", "--config", config)) {
      awaitFile(home.resolve("run").resolve("hub-token"), first);
      long before = emulator.requestLog().count();

      try (AgentProcess second =
          AgentProcess.start(home.resolve("logs"), java.util.Map.of(), "run", "--config", config)) {
        assertEquals(2, second.awaitExit(), second.stderr());
        assertEquals(String.format(inUse, first.pid()), second.stderr());
      }
      device.registrationId("out-" + DEVICES.incrementAndGet()); // a device DPS does not know yet
      CliRun provision = CliRun.of("provision", "--config", device.writeConfig());
      assertStderr(2, provision, String.format(inUse, first.pid()));
      assertEquals(
          before,
          emulator.requestLog().count(),
          "neither the second daemon nor provision reached DPS");
      assertTrue(emulator.registry().registration(device.registrationId()).isEmpty());

      assertTrue(first.isAlive(), "the first daemon runs on");
      assertEquals(0, first.stop(), "a daemon stopped by SIGTERM ends with 0: " + first.stderr());
    }
    assertEquals(
        "", Files.readString(device.outputDir.resolve(".lock")), "a released lock names no PID");
  }

  private static void awaitFile(Path file, AgentProcess process) throws Exception {
    Instant deadline = Instant.now().plus(BOUND);
    while (!Files.exists(file)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("no " + file + "; dps-agent stderr:\n" + process.stderr());
      }
      Thread.sleep(50);
    }
  }

  private static JsonNode connectionJson(Path dir) throws Exception {
    return JSON.readTree(dir.resolve("connection.json").toFile());
  }
}
