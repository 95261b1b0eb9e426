package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.daemon.Signals;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs at seeded random moments of {@code dps-agent provision} and of {@code dps-agent run}
 * (provisioning, then a hub token rewritten every 1.6 s), each agent a JVM of its own. After every
 * kill the outputs are absent, the previous complete set or the new one, never a mix; leftovers are
 * only temporary files the agent never reads; and the next run completes. Each round enrolls the
 * device under a new device ID, so that the previous set and the new one can be told apart.
 */
class CrashSafetyTest {

  static final long SEED = 0xC0FFEEL;
  static final int LANES = 3;
  static final int KILLS_PER_LANE = 34;
  static final int MAX_ROUNDS_PER_LANE = 60;
  static final Duration TOKEN_TTL = Duration.ofSeconds(2);
  static final Duration BOUND = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  // A kill while writing leaves the output's hidden temporary; one while the directory is probed
  // leaves the probe, which the next run removes.
  private static final Pattern TEMPORARY =
      Pattern.compile(
          "\\.(connection\\.json|connection-string|hub-token|state\\.json)"
              + "\\.tmp-[0-9a-f]{12}|\\.probe");
  private static final List<String> JVM_FLAGS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx96m");

  private static DpsEmulator emulator;

  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    emulator =
        DpsEmulator.start(EmulatorConfig.defaults().toBuilder().retryAfterSeconds(0).build());
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  /** What one lane saw. */
  record Tally(
      int rounds,
      int kills,
      int killedWhileWriting,
      int leftoverTemporaries,
      int absentAfterKill) {}

  @Test
  void noKillLeavesTornOutputsAndTheNextRunAlwaysCompletes() throws Exception {
    Instant start = Instant.now();
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    List<Future<Tally>> running = new ArrayList<>();
    for (int lane = 0; lane < LANES; lane++) {
      int n = lane;
      running.add(lanes.submit(() -> new Lane(n).run()));
    }
    List<Tally> tallies = new ArrayList<>();
    try {
      for (Future<Tally> lane : running) {
        tallies.add(lane.get(5, TimeUnit.MINUTES));
      }
    } finally {
      lanes.shutdownNow();
    }

    int kills = tallies.stream().mapToInt(Tally::kills).sum();
    assertTrue(kills >= LANES * KILLS_PER_LANE, kills + " kills");
    System.out.printf(
        "crash safety: %d SIGKILLs survived in %d rounds (%d mid-write, leaving %d temporary "
            + "files in all; %d left no connection.json), %d ms%n",
        kills,
        tallies.stream().mapToInt(Tally::rounds).sum(),
        tallies.stream().mapToInt(Tally::killedWhileWriting).sum(),
        tallies.stream().mapToInt(Tally::leftoverTemporaries).sum(),
        tallies.stream().mapToInt(Tally::absentAfterKill).sum(),
        Duration.between(start, Instant.now()).toMillis());
  }

  /**
   * One device, killed round after round; even rounds kill {@code provision}, odd ones {@code run}.
   */
  private static final class Lane {
    private final Random random;
    private final String registrationId;
    private final String key = Device.newKey();
    private final Device device;
    private final Path tokenFile;
    private final String config;
    private Duration provisionTime = Duration.ofSeconds(2);
    private int kills;
    private final Set<String> temporaries = new HashSet<>();
    private int killedWhileWriting;
    private int absent;

    Lane(int lane) throws IOException {
      this.random = new Random(SEED + lane);
      this.registrationId = "crash-" + lane;
      Path dir = Files.createDirectory(home.resolve(registrationId));
      this.tokenFile = dir.resolve("run").resolve("hub-token");
      this.device =
          new Device(dir)
              .registrationId(registrationId)
              .deviceKey(key)
              .endpoint(emulator)
              .provisioning("")
              .output(
                  "token_dir = \""
                      + tokenFile.getParent()
                      + "\"\ntoken_ttl_seconds = "
                      + TOKEN_TTL.toSeconds())
              .config(
                  "[provisioning.retry]\nretry_after_min_seconds = 0\ninitial_backoff_ms = 100");
      this.config = device.writeConfig();
    }

    Tally run() throws Exception {
      enroll(0);
      calibrate();
      int round = 0;
      while (kills < KILLS_PER_LANE) {
        round++;
        assertTrue(
            round <= MAX_ROUNDS_PER_LANE,
            registrationId + ": only " + kills + " kills in " + round + " rounds");
        boolean daemon = round % 2 == 1;
        String before = deviceIdOrNone();
        String after = enroll(round);
        if (daemon) {
          // A cache for another identity: the daemon provisions while the old hub token still
          // exists.
          Files.deleteIfExists(device.outputDir.resolve("connection.json"));
        }
        Optional<String> tokenBefore = read(tokenFile);
        Instant started = Instant.now();
        if (killAfter(daemon ? "run" : "provision", delay(daemon))) {
          kills++;
        }
        learnWriteTime(started, after);
        checkOutputs(Optional.of(before), after, round);
        if (daemon) {
          checkToken(tokenBefore, round);
        }
        completeNextRun(daemon, after);
      }
      return new Tally(round, kills, killedWhileWriting, temporaries.size(), absent);
    }

    /** The first run is not killed: it tells how long a run takes to write its outputs. */
    private void calibrate() throws Exception {
      Instant started = Instant.now();
      Process process = agent("provision");
      assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "calibration run ended");
      assertEquals(0, process.exitValue(), Files.readString(device.home.resolve("agent.err")));
      provisionTime =
          Duration.between(
              started,
              Files.getLastModifiedTime(device.outputDir.resolve("connection.json")).toInstant());
    }

    // Half of the kills anywhere past JVM start-up (before 40% of a run nothing is touched yet),
    // half aimed at the moment the outputs are replaced.
    private Duration delay(boolean daemon) {
      long from = provisionTime.toMillis() * 2 / 5;
      long span = provisionTime.toMillis() + (daemon ? TOKEN_TTL.toMillis() : 200) - from;
      long millis =
          random.nextBoolean()
              ? from + (long) (random.nextDouble() * span)
              : provisionTime.toMillis() + (long) (random.nextGaussian() * 40);
      return Duration.ofMillis(Math.max(0, millis));
    }

    /** Runs the agent and SIGKILLs it after {@code delay}; false if it ended by itself first. */
    private boolean killAfter(String command, Duration delay) throws Exception {
      Process process = agent(command);
      if (process.waitFor(delay.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      process.destroyForcibly(); // SIGKILL
      assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS));
      return true;
    }

    // Start-up time varies with load, so the aim follows the runs that got as far as writing.
    private void learnWriteTime(Instant started, String deviceId) throws IOException {
      Path json = device.outputDir.resolve("connection.json");
      if (deviceIdOrNone().equals(deviceId)) {
        Duration sample = Duration.between(started, Files.getLastModifiedTime(json).toInstant());
        provisionTime = provisionTime.multipliedBy(7).plus(sample.multipliedBy(3)).dividedBy(10);
      }
    }

    private Process agent(String command) throws IOException {
      List<String> argv = new ArrayList<>();
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      argv.addAll(JVM_FLAGS);
      argv.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              "io.dpsagent.agent.cli.Main",
              command,
              "--config",
              config));
      return new ProcessBuilder(argv)
          .redirectOutput(device.home.resolve("agent.out").toFile())
          .redirectError(device.home.resolve("agent.err").toFile())
          .start();
    }

    /** A new device ID for the enrollment, so that this round's outputs differ from the last. */
    private String enroll(int round) throws Exception {
      String deviceId = registrationId + "-round-" + round;
      emulator
          .registry()
          .putIndividualEnrollment(
              IndividualEnrollment.symmetricKey(registrationId, key).withDeviceId(deviceId),
              Optional.empty());
      return deviceId;
    }

    private String deviceIdOrNone() throws IOException {
      Path json = device.outputDir.resolve("connection.json");
      return Files.exists(json) ? JSON.readTree(json.toFile()).get("deviceId").asText() : "";
    }

    private void checkOutputs(Optional<String> before, String after, int round) throws IOException {
      String where = registrationId + " round " + round;
      Path json = device.outputDir.resolve("connection.json");
      List<String> stray = new ArrayList<>();
      for (Path dir : List.of(device.outputDir, tokenFile.getParent())) {
        if (Files.isDirectory(dir)) {
          try (Stream<Path> files = Files.list(dir)) {
            files
                .map(p -> p.getFileName().toString())
                .filter(
                    name ->
                        !List.of(
                                "connection.json",
                                "connection-string",
                                "hub-token",
                                "state.json",
                                ".lock",
                                "requests")
                            .contains(name))
                .forEach(stray::add);
          }
        }
      }
      assertTrue(
          stray.stream().allMatch(name -> TEMPORARY.matcher(name).matches()), where + ": " + stray);
      if (temporaries.addAll(stray)) {
        killedWhileWriting++; // this kill left a temporary file of its own
      }
      Path state = device.outputDir.resolve("state.json");
      if (Files.exists(state)) {
        JSON.readTree(state.toFile()); // the daemon's state is replaced atomically too: it parses
      }
      Optional<String> connectionString = read(device.outputDir.resolve("connection-string"));
      if (!Files.exists(json)) {
        absent++;
        return;
      }
      JsonNode written = JSON.readTree(json.toFile()); // parses: never torn
      String deviceId = written.get("deviceId").asText();
      String hub = written.get("hubHostName").asText();
      assertTrue(
          deviceId.equals(after) || before.filter(deviceId::equals).isPresent(),
          where + ": " + deviceId + " is neither " + before.orElse("-") + " nor " + after);
      assertEquals(
          Optional.of("HostName=" + hub + ";DeviceId=" + deviceId),
          connectionString.map(s -> s.substring(0, s.indexOf(";SharedAccessKey="))),
          where);
    }

    /**
     * The daemon's token names the device of connection.json; without connection.json the daemon
     * has not got as far as writing one, so the token is gone or as the round found it.
     */
    private void checkToken(Optional<String> before, int round) throws IOException {
      String where = registrationId + " round " + round + ": hub token";
      Optional<String> token = read(tokenFile);
      Path json = device.outputDir.resolve("connection.json");
      if (!Files.exists(json)) {
        assertTrue(
            token.isEmpty() || token.equals(before), where + " written without connection.json");
        return;
      }
      JsonNode written = JSON.readTree(json.toFile());
      String resource =
          written.get("hubHostName").asText() + "/devices/" + written.get("deviceId").asText();
      token.ifPresent(t -> assertEquals(resource, resource(t), where));
    }

    private void completeNextRun(boolean daemon, String deviceId) throws Exception {
      if (!daemon) {
        CliRun run = CliRun.of("provision", "--config", config);
        assertExit(0, run);
        assertEquals(deviceId, deviceIdOrNone());
        return;
      }
      Signals stop = new Signals();
      CompletableFuture<CliRun> run =
          CompletableFuture.supplyAsync(
              () -> CliRun.until(stop, Map.of(), "run", "--config", config));
      Instant deadline = Instant.now().plus(BOUND);
      String wanted =
          emulator.registry().registration(registrationId).map(r -> r.assignedHub()).orElse("?")
              + "/devices/"
              + deviceId;
      while (read(tokenFile).map(CrashSafetyTest::resource).filter(wanted::equals).isEmpty()) {
        assertTrue(
            Instant.now().isBefore(deadline) && !run.isDone(),
            "the daemon wrote a token for " + wanted);
        Thread.sleep(20);
      }
      stop.stop();
      CliRun stopped = run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      assertExit(0, stopped);
      assertEquals(deviceId, deviceIdOrNone());
    }
  }

  private static Optional<String> read(Path file) throws IOException {
    try {
      return Optional.of(Files.readString(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static String resource(String token) {
    return URLDecoder.decode(
        HubTokens.fields(token).getOrDefault("sr", ""), StandardCharsets.UTF_8);
  }
}
