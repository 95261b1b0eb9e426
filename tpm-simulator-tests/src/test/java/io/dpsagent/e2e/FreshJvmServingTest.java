package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.NotifySocket;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon replaces its JVM, once its outputs are in place, by a fresh one that never made a
 * connection: same process, same output lock, same systemd conversation; the new JVM serves the set
 * without calling DPS and answers signals. Each daemon is a real process, as systemd runs it.
 */
class FreshJvmServingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String SWITCH = "DPS_AGENT_LEAN_RESTART";
  private static final String HANDOVER = "DPS_AGENT_HANDOVER";
  private static final String REPLACED = "serving from a fresh JVM, which never made a connection";
  private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  private Device enrolled(String id, DpsEmulator dps) throws Exception {
    return Device.named(home, id)
        .endpoint(dps)
        .enrolledIn(dps, Device.newKey())
        .tokenDir(home.resolve(id).resolve("run"))
        .output("token_ttl_seconds = 2");
  }

  /**
   * {@code dps-agent run} for {@code device}, a process of its own that notifies {@code systemd},
   * with more environment as name-value pairs.
   */
  private AgentProcess daemon(Device device, NotifySocket systemd, String... environment)
      throws IOException {
    Map<String, String> variables = new HashMap<>(Map.of("NOTIFY_SOCKET", systemd.name()));
    for (int i = 0; i + 1 < environment.length; i += 2) {
      variables.put(environment[i], environment[i + 1]);
    }
    return AgentProcess.start(
        home.resolve("logs"), variables, "run", "--config", device.writeConfig());
  }

  @Test
  void theDaemonServesOnFromAFreshJvmKeepingItsPidLockAndSystemd() throws Exception {
    Device device = enrolled("fresh-serving", emulator);
    Path token = home.resolve("fresh-serving").resolve("run").resolve("hub-token");
    try (NotifySocket systemd = new NotifySocket(home.resolve("notify").toString());
        AgentProcess agent = daemon(device, systemd, "WATCHDOG_USEC", "1000000", SWITCH, "1")) {
      String config = device.configFile.toString();
      Path lockFile = device.outputDir.resolve(".lock");
      agent.await("the daemon's lock", () -> read(lockFile).startsWith(agent.pid() + " run"));
      LockProbe probe = new LockProbe(lockFile);
      probe.start();
      agent.await("the handover", () -> agent.environment().contains(HANDOVER + "=dps"));
      agent.await("READY=1 from the fresh JVM", () -> ready(systemd) == 2);
      probe.finish();
      assertTrue(probe.attempts > 100, "probed " + probe.attempts + " times");
      assertEquals(0, probe.taken, "the lock was free during the exec");
      String etag = emulator.registry().registration("fresh-serving").orElseThrow().etag();
      agent.await(
          "a watchdog ping from the fresh JVM",
          () -> afterLastReady(systemd).contains("WATCHDOG=1"));
      FileTime written = Files.getLastModifiedTime(token);
      agent.await("a token written by the fresh JVM", () -> modified(token).compareTo(written) > 0);

      assertTrue(agent.isAlive(), agent.stderr());
      assertEquals(1, occurrences(agent.stderr(), REPLACED), agent.stderr());
      assertTrue(
          agent.stderr().contains(REPLACED + " (same PID " + agent.pid() + ")"), agent.stderr());
      assertEquals(
          List.of(), tcpSockets(agent.pid()), "the fresh JVM holds no connection of the old one");
      assertTrue(
          openFiles(agent.pid()).contains(device.outputDir.resolve(".lock").toRealPath()),
          "the lock file stays open: " + openFiles(agent.pid()));
      CliRun provision = CliRun.of("provision", "--config", config);
      assertStderrHolds(2, provision, "is in use by dps-agent run (PID " + agent.pid() + ")");
      JsonNode state = JSON.readTree(device.outputDir.resolve("state.json").toFile());
      assertEquals(agent.pid(), state.path("pid").asLong());
      assertEquals("dps", state.path("source").asText(), state.toString());
      assertTrue(
          state.path("lastAttempt").path("succeeded").asBoolean(),
          "the old JVM's registration stays the last attempt: " + state);
      assertEquals(
          etag,
          emulator.registry().registration("fresh-serving").orElseThrow().etag(),
          "the fresh JVM does not register again");

      // The fresh JVM answers signals: a reload serves from yet another fresh JVM.
      agent.signal("HUP");
      agent.await("READY=1 after the reload", () -> ready(systemd) == 4);
      agent.await("the second handover", () -> agent.environment().contains(HANDOVER + "=cache"));
      assertTrue(agent.stderr().contains("configuration reloaded"), agent.stderr());
      assertEquals(2, occurrences(agent.stderr(), REPLACED), agent.stderr());
      assertEquals(
          etag,
          emulator.registry().registration("fresh-serving").orElseThrow().etag(),
          "an unchanged identity is not registered again");

      assertEquals(0, agent.stop(), agent.stderr());
      assertEquals("STOPPING=1", systemd.all().get(systemd.all().size() - 1));
      assertEquals(
          "stopped",
          JSON.readTree(device.outputDir.resolve("state.json").toFile()).path("phase").asText());
      assertEquals("", Files.readString(device.outputDir.resolve(".lock")));
    }
  }

  @Test
  void reloadsInARowAreTakenByTheOldJvmBeforeTheRestart() throws Exception {
    Device device = enrolled("fresh-burst", emulator);
    try (NotifySocket systemd = new NotifySocket(home.resolve("notify-burst").toString());
        AgentProcess agent = daemon(device, systemd, SWITCH, "3")) {
      agent.await("READY=1", () -> ready(systemd) == 1);
      agent.signal("HUP");
      agent.await("the first reload", () -> occurrences(agent.stderr(), "reloaded") == 1);
      agent.signal("HUP");
      agent.await("the second reload", () -> occurrences(agent.stderr(), "reloaded") == 2);
      assertFalse(agent.environment().contains(HANDOVER + "="), "no restart between them");
      agent.await("the handover", () -> agent.environment().contains(HANDOVER + "=cache"));
      agent.await("READY=1 from the fresh JVM", () -> ready(systemd) == 4);

      assertTrue(agent.isAlive(), agent.stderr());
      assertEquals(1, occurrences(agent.stderr(), REPLACED), agent.stderr());
      assertEquals(0, agent.stop(), agent.stderr());
    }
  }

  @Test
  void withoutTheSwitchTheDaemonKeepsItsJvm() throws Exception {
    Device device = enrolled("fresh-off", emulator);
    try (NotifySocket systemd = new NotifySocket(home.resolve("notify-off").toString());
        AgentProcess agent = daemon(device, systemd, "WATCHDOG_USEC", "400000")) {
      agent.await("READY=1", () -> ready(systemd) == 1);
      agent.await(
          "five watchdog pings after READY",
          () -> afterLastReady(systemd).stream().filter("WATCHDOG=1"::equals).count() >= 5);

      assertEquals(1, ready(systemd), systemd.all().toString());
      assertFalse(agent.environment().contains(HANDOVER + "="), "no handover");
      assertFalse(agent.stderr().contains(REPLACED), agent.stderr());
      assertEquals(0, agent.stop(), agent.stderr());
    }
  }

  @Test
  void aConfigurationThatNoLongerLoadsKeepsTheDaemonInItsJvm() throws Exception {
    // A Retry-After of 3 s holds the registration long enough to break the file under it.
    try (DpsEmulator slow =
        DpsEmulator.start(EmulatorConfig.defaults().toBuilder().retryAfterSeconds(3).build())) {
      Device device = enrolled("fresh-broken", slow);
      String config = device.writeConfig();
      Path token = home.resolve("fresh-broken").resolve("run").resolve("hub-token");
      try (AgentProcess agent =
          AgentProcess.start(
              home.resolve("logs"), Map.of(SWITCH, "1"), "run", "--config", config)) {
        agent.await(
            "the registration under way",
            () -> slow.registry().registration("fresh-broken").isPresent());
        Files.writeString(device.configFile, "[provisioning\n");
        agent.await("the hub token", () -> Files.exists(token));
        agent.await(
            "the reason to stay",
            () -> agent.stderr().contains("serving on in this JVM: the configuration no longer"));

        assertTrue(agent.isAlive(), agent.stderr());
        assertFalse(agent.environment().contains(HANDOVER + "="), "no handover");
        assertFalse(agent.stderr().contains(REPLACED), agent.stderr());
        assertEquals(0, agent.stop(), agent.stderr());
      }
    }
  }

  // The fresh JVM's side, in this JVM: what it does with the handover it is started with.

  @Test
  void aHandedOverSetIsServedWithoutCallingDpsEvenUnderAlwaysAtStart() throws Exception {
    Device device =
        enrolled("handed-over", emulator).provisioning("reprovision = \"always_at_start\"");
    String config = device.writeConfig();
    CliRun provision = CliRun.of("provision", "--config", config);
    assertExit(0, provision);
    long requests = emulator.requestLog().count();

    RunningDaemon daemon = new RunningDaemon(config, Map.of(HANDOVER, "dps"));
    Awaits.until("serving", BOUND, () -> phase(device).equals("ready"));
    JsonNode state = JSON.readTree(device.outputDir.resolve("state.json").toFile());
    CliRun stopped = daemon.stopAndWait();

    assertExit(0, stopped);
    assertEquals(requests, emulator.requestLog().count(), "no DPS request");
    assertEquals("dps", state.path("source").asText(), state.toString());
    assertTrue(Files.exists(home.resolve("handed-over").resolve("run").resolve("hub-token")));
  }

  @Test
  void aHandoverWhoseSetIsGoneRegisters() throws Exception {
    Device device = enrolled("handed-nothing", emulator);
    String config = device.writeConfig();

    RunningDaemon daemon = new RunningDaemon(config, Map.of(HANDOVER, "dps"));
    Awaits.until("serving", BOUND, () -> phase(device).equals("ready"));
    CliRun stopped = daemon.stopAndWait();

    assertExit(0, stopped);
    assertEquals(
        emulator.registry().registration("handed-nothing").orElseThrow().deviceId(),
        device.connection().deviceId(),
        "registered, as without a handover");
  }

  @Test
  void theSpacingBetweenRejectionRegistrationsIsHandedOver() throws Exception {
    Device device = enrolled("handed-rejection", emulator);
    String config = device.writeConfig();
    assertExit(0, CliRun.of("provision", "--config", config));
    String etag = emulator.registry().registration("handed-rejection").orElseThrow().etag();
    Path report =
        home.resolve("handed-rejection").resolve("run").resolve("requests").resolve("hub-rejected");

    RunningDaemon daemon =
        new RunningDaemon(config, Map.of(HANDOVER, "dps," + Instant.now().minusSeconds(5)));
    Awaits.until("serving", BOUND, () -> phase(device).equals("ready"));
    Files.writeString(report, "");
    Awaits.until("the report is taken", BOUND, () -> !Files.exists(report));
    CliRun stopped = daemon.stopAndWait();

    assertStderrHolds(0, stopped, "hub rejection reported again within 30 s; not registering");
    assertEquals(
        etag,
        emulator.registry().registration("handed-rejection").orElseThrow().etag(),
        "registered 5 s after the last one the old JVM handled");
  }

  /** Tries, from this process, to take the daemon's lock, as another agent would. */
  private static final class LockProbe extends Thread {
    private final Path file;
    private volatile boolean done;
    volatile int attempts;
    volatile int taken;

    LockProbe(Path file) {
      super("lock-probe");
      this.file = file;
      setDaemon(true);
    }

    @Override
    public void run() {
      Instant deadline = Instant.now().plus(BOUND);
      while (!done && Instant.now().isBefore(deadline)) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            lock.release();
            taken++;
          }
          attempts++;
          Thread.sleep(1);
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    }

    void finish() throws InterruptedException {
      done = true;
      join(BOUND.toMillis());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static String phase(Device device) {
    try {
      return JSON.readTree(device.outputDir.resolve("state.json").toFile()).path("phase").asText();
    } catch (IOException e) {
      return "";
    }
  }

  private static long ready(NotifySocket systemd) {
    return systemd.all().stream().filter(m -> m.startsWith("READY=1")).count();
  }

  private static List<String> afterLastReady(NotifySocket systemd) {
    List<String> all = systemd.all();
    int last = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).startsWith("READY=1")) {
        last = i;
      }
    }
    return all.subList(last + 1, all.size());
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private static List<Path> openFiles(long pid) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          files.add(Files.readSymbolicLink(fd));
        } catch (IOException e) {
          // closed while listed
        }
      }
    }
    return files;
  }

  /** The process's descriptors that are TCP sockets (IPv4 or IPv6), by inode. */
  private static List<String> tcpSockets(long pid) throws IOException {
    String tcp =
        Files.readString(Path.of("/proc", Long.toString(pid), "net", "tcp"))
            + Files.readString(Path.of("/proc", Long.toString(pid), "net", "tcp6"));
    List<String> found = new ArrayList<>();
    for (Path file : openFiles(pid)) {
      Matcher socket = SOCKET.matcher(file.toString());
      if (socket.matches()
          && Pattern.compile("\\s" + socket.group(1) + "\\s").matcher(tcp).find()) {
        found.add(file.toString());
      }
    }
    return found;
  }
}
