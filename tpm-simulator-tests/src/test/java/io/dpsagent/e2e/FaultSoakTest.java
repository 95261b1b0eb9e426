package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of devices provision, one after another and many at once, over HTTPS and MQTT, while the
 * emulator (configured from its TOML file) spoils 30% of the device requests with every fault it
 * has. Each device must end assigned with outputs that match its registration record, or with the
 * exit code its last fault calls for, within its time budget and without retrying sooner than the
 * server asked.
 */
class FaultSoakTest {

  static final long SEED = 20261201L;
  static final int SEQUENTIAL = 12;
  static final int CONCURRENT = 196;
  static final int PARALLELISM = 24;
  static final int MAX_ATTEMPTS = 5;
  static final Duration BUDGET = Duration.ofSeconds(20);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  static final Duration RETRY_AFTER_MIN = Duration.ofSeconds(1);
  static final Duration RETRY_AFTER_MAX = Duration.ofSeconds(2);
  static final Set<String> SPOIL_NOTHING = Set.of("delay:300", "wrong_operation_id");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String EMULATOR_TOML =
      """
      [emulator]
      retry_after_seconds = 1
      mqtt5 = "accept"

      [faults]
      seed = %d

      [[faults.rules]]
      requests = "any"
      transport = "any"
      probability = 0.3
      faults = ["503:1", "429:1", "500", "503", "reset", "truncated", "malformed", "wrong_operation_id",
                "delay:300", "no_reply", "503:1", "429:1", "403", "400"]
      """
          .formatted(SEED);

  private static final String RETRY_TOML =
      """
      [provisioning.retry]
      max_attempts = %d
      max_elapsed_seconds = %d
      initial_backoff_ms = 100
      max_backoff_seconds = 1
      retry_after_min_seconds = %d
      retry_after_max_seconds = %d
      poll_interval_seconds = 1
      connect_timeout_seconds = 2
      request_timeout_seconds = %d
      """
          .formatted(
              MAX_ATTEMPTS,
              BUDGET.toSeconds(),
              RETRY_AFTER_MIN.toSeconds(),
              RETRY_AFTER_MAX.toSeconds(),
              REQUEST_TIMEOUT.toSeconds());

  private static DpsEmulator emulator;
  private static Fleet fleet;

  @TempDir static Path home;

  /** One device's run. */
  record Outcome(
      String registrationId, String transport, Path outputDir, CliRun run, Duration took) {}

  @BeforeAll
  static void start() throws Exception {
    Path config = home.resolve("emulator.toml");
    Files.writeString(config, EMULATOR_TOML);
    emulator =
        DpsEmulator.start(
            EmulatorConfig.load(config).toBuilder().stateDirectory(home.resolve("dps")).build());
    fleet = new Fleet(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void everyDeviceEndsAssignedOrWithTheExitCodeOfItsFaultWithinItsBudgetAndItsBackOff()
      throws Exception {
    Instant start = Instant.now();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < SEQUENTIAL; i++) {
      outcomes.add(provision(i));
    }
    Duration sequential = Duration.between(start, Instant.now());
    ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
    try {
      List<Future<Outcome>> running = new ArrayList<>();
      for (int i = SEQUENTIAL; i < SEQUENTIAL + CONCURRENT; i++) {
        int n = i;
        running.add(pool.submit(() -> provision(n)));
      }
      for (Future<Outcome> outcome : running) {
        outcomes.add(outcome.get(2 * BUDGET.toSeconds(), TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    Duration total = Duration.between(start, Instant.now());

    Map<String, List<RequestLog.Exchange>> byDevice =
        emulator.requestLog().exchanges().stream()
            .filter(e -> e.registrationId().isPresent())
            .collect(Collectors.groupingBy(e -> e.registrationId().get()));
    Map<Integer, Integer> exitCounts = new TreeMap<>();
    Duration slowest = Duration.ZERO;
    List<String> wrongExits = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      List<RequestLog.Exchange> exchanges =
          byDevice.getOrDefault(outcome.registrationId(), List.of());
      if (exchanges.isEmpty()
          || expectedExit(exchanges.get(exchanges.size() - 1)) != outcome.run().exitCode()) {
        wrongExits.add(
            outcome.registrationId()
                + " over "
                + outcome.transport()
                + ": "
                + exchanges.stream()
                    .map(
                        e ->
                            e.receivedAt()
                                + " "
                                + e.entry().method()
                                + " "
                                + e.entry().status()
                                + " "
                                + e.fault().orElse(""))
                    .toList()
                + "\n"
                + outcome.run());
        continue;
      }
      assertOutputs(outcome);
      assertTrue(
          outcome.took().compareTo(BUDGET.plus(REQUEST_TIMEOUT).plusSeconds(2)) < 0,
          outcome.registrationId() + " took " + outcome.took());
      exitCounts.merge(outcome.run().exitCode(), 1, Integer::sum);
      slowest = outcome.took().compareTo(slowest) > 0 ? outcome.took() : slowest;
    }
    Pacing pacing = pacing(byDevice);

    assertEquals(List.of(), wrongExits);
    assertEquals(SEQUENTIAL + CONCURRENT, outcomes.size());
    assertTrue(
        pacing.floored() > 100, "enough answers with Retry-After to judge pacing: " + pacing);
    assertTrue(pacing.minFlooredGap().compareTo(pacing.floorOfThatGap()) >= 0, pacing::toString);
    assertTrue(exitCounts.getOrDefault(0, 0) > outcomes.size() * 3 / 4, exitCounts::toString);
    long requests = byDevice.values().stream().mapToLong(List::size).sum();
    double faulted =
        emulator.faults().injected().values().stream().mapToLong(Long::longValue).sum()
            / (double) requests;
    assertTrue(Math.abs(faulted - 0.3) < 0.05, "fault rate " + faulted);
    System.out.printf(
        "fault soak: %d devices (%d sequential in %d ms, %d concurrent x%d), %d requests, "
            + "%.1f%% faulted %s, exit codes %s, slowest run %d ms, %s, total %d ms%n",
        outcomes.size(),
        SEQUENTIAL,
        sequential.toMillis(),
        CONCURRENT,
        PARALLELISM,
        requests,
        100 * faulted,
        emulator.faults().injected(),
        exitCounts,
        slowest.toMillis(),
        pacing,
        total.toMillis());
  }

  private static Outcome provision(int n) throws Exception {
    String transport = n % 2 == 0 ? "https" : "mqtt";
    Path dir = Files.createDirectory(home.resolve("device-" + n));
    Device device = fleet.enrolled(dir, "symmetric-individual", transport).config(RETRY_TOML);
    String config = device.writeConfig();
    Instant started = Instant.now();
    CliRun run = CliRun.of("provision", "--config", config);
    return new Outcome(
        device.registrationId(),
        transport,
        device.outputDir,
        run,
        Duration.between(started, Instant.now()));
  }

  /** The exit code the contract asks for when the run ended on this answer. */
  private static int expectedExit(RequestLog.Exchange last) {
    Optional<String> fault = last.fault();
    if (fault.equals(Optional.of("403"))) {
      return 3;
    }
    if (fault.equals(Optional.of("400"))) {
      return 4;
    }
    boolean spoilt = fault.isPresent() && !SPOIL_NOTHING.contains(fault.get());
    return last.entry().status() == 200 && !spoilt ? 0 : 5;
  }

  private static void assertOutputs(Outcome outcome) throws Exception {
    Path json = outcome.outputDir().resolve("connection.json");
    if (outcome.run().exitCode() != 0) {
      assertFalse(Files.exists(json), outcome.registrationId() + " failed but wrote outputs");
      return;
    }
    JsonNode written = JSON.readTree(json.toFile());
    RegistrationRecord record =
        emulator.registry().registration(outcome.registrationId()).orElseThrow();
    assertEquals(record.assignedHub(), written.get("hubHostName").asText());
    assertEquals(record.deviceId(), written.get("deviceId").asText());
    assertEquals(outcome.registrationId(), written.get("registrationId").asText());
    assertEquals(record.etag(), written.path("etag").asText(record.etag()));
    String connectionString = Files.readString(outcome.outputDir().resolve("connection-string"));
    assertTrue(
        connectionString.startsWith(
            "HostName="
                + record.assignedHub()
                + ";DeviceId="
                + record.deviceId()
                + ";SharedAccessKey="),
        outcome.registrationId());
  }

  /**
   * The smallest gap between an answer that told the device to wait (Retry-After, clamped by the
   * agent's config) and that device's next request, against the wait it was told.
   */
  record Pacing(
      int floored, Duration minFlooredGap, Duration floorOfThatGap, Duration minGapAfterFailure) {
    @Override
    public String toString() {
      return "pacing: "
          + floored
          + " answers with Retry-After, min gap "
          + minFlooredGap.toMillis()
          + " ms against a floor of "
          + floorOfThatGap.toMillis()
          + " ms; min gap after any failure "
          + minGapAfterFailure.toMillis()
          + " ms";
    }
  }

  private static Pacing pacing(Map<String, List<RequestLog.Exchange>> byDevice) {
    int floored = 0;
    Duration minSlack = null;
    Duration minGap = Duration.ZERO;
    Duration floorOfMin = Duration.ZERO;
    Duration minAfterFailure = null;
    for (List<RequestLog.Exchange> exchanges : byDevice.values()) {
      List<RequestLog.Exchange> ordered = new ArrayList<>(exchanges);
      Collections.sort(ordered, (a, b) -> a.receivedAt().compareTo(b.receivedAt()));
      for (int i = 0; i + 1 < ordered.size(); i++) {
        RequestLog.Exchange answer = ordered.get(i);
        Duration gap = Duration.between(answer.answeredAt(), ordered.get(i + 1).receivedAt());
        boolean failed =
            answer.entry().status() == 0
                || answer.entry().status() >= 400
                || answer.fault().filter(f -> !SPOIL_NOTHING.contains(f)).isPresent();
        if (failed && (minAfterFailure == null || gap.compareTo(minAfterFailure) < 0)) {
          minAfterFailure = gap;
        }
        // Only an answer that arrived can tell the device to wait.
        if (answer.entry().status() == 0 || answer.retryAfterSeconds().isEmpty()) {
          continue;
        }
        Duration floor = clamp(Duration.ofSeconds(answer.retryAfterSeconds().getAsInt()));
        floored++;
        if (minSlack == null || gap.minus(floor).compareTo(minSlack) < 0) {
          minSlack = gap.minus(floor);
          minGap = gap;
          floorOfMin = floor;
        }
      }
    }
    return new Pacing(
        floored, minGap, floorOfMin, minAfterFailure == null ? Duration.ZERO : minAfterFailure);
  }

  private static Duration clamp(Duration retryAfter) {
    if (retryAfter.compareTo(RETRY_AFTER_MIN) < 0) {
      return RETRY_AFTER_MIN;
    }
    return retryAfter.compareTo(RETRY_AFTER_MAX) > 0 ? RETRY_AFTER_MAX : retryAfter;
  }
}
