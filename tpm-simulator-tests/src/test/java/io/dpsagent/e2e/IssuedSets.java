package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** What the renewal tests watch of a daemon's output set with an issued certificate. */
final class IssuedSets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private IssuedSets() {}

  /** The certificate of the first set the daemon writes; within 10 s. */
  static IssuedCertificate awaitFirstCertificate(Device device) throws Exception {
    Path json = device.outputDir.resolve("connection.json");
    for (int i = 0; i < 200 && !Files.exists(json); i++) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(json), "the daemon wrote no connection.json within 10 s");
    return device.connection().certificate().orElseThrow();
  }

  /**
   * The daemon's state.json once it records an attempt and {@code wanted} accepts it; within {@code
   * bound}.
   */
  static JsonNode awaitState(Device device, Duration bound, Predicate<JsonNode> wanted)
      throws Exception {
    Path file = device.outputDir.resolve("state.json");
    Instant deadline = Instant.now().plus(bound);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(file)) {
        JsonNode state = JSON.readTree(Files.readAllBytes(file));
        if (state.has("lastAttempt") && wanted.test(state)) {
          return state;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("state.json did not show the awaited attempt within " + bound);
  }

  /** The daemon's state.json once its last attempt failed; within {@code bound}. */
  static JsonNode awaitFailedAttempt(Device device, Duration bound) throws Exception {
    return awaitState(device, bound, s -> !s.path("lastAttempt").path("succeeded").asBoolean());
  }

  /** Whether {@code file} is absent, or goes within 5 s. */
  static boolean gone(Path file) throws InterruptedException {
    for (int i = 0; i < 100 && Files.exists(file); i++) {
      Thread.sleep(50);
    }
    return !Files.exists(file);
  }

  static void awaitPast(Instant instant) throws InterruptedException {
    Duration left = Duration.between(Instant.now(), instant);
    if (!left.isNegative()) {
      Thread.sleep(left.toMillis() + 1);
    }
  }

  /** Every output file by name: all but the daemon's state, the lock and temporary files. */
  static Map<String, byte[]> outputs(Device device) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    List<Path> paths;
    try (Stream<Path> listing = Files.list(device.outputDir)) {
      paths =
          listing
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !p.getFileName().toString().equals("state.json"))
              .toList();
    }
    for (Path path : paths) {
      files.put(path.getFileName().toString(), Files.readAllBytes(path));
    }
    return files;
  }

  static void assertSameBytes(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  static X509Certificate leaf(Path chain) throws IOException {
    return Pem.requireCertificates(chain).get(0);
  }
}
