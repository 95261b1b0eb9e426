package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.config.EmulatorConfigBuilder;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.tls.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link DpsEmulator#start} has done when it returns or throws, now that the CAs are made
 * ahead on a thread of their own and the first state write runs alongside the servers' start.
 */
class EmulatorStartTest {

  private static final int ENROLLMENTS = 500;

  @TempDir Path directory;

  @Test
  void theServersPresentTheCasOfTheStartupKeys() throws IOException {
    StartupKeys keys = StartupKeys.begin();
    EmulatorConfig config = EmulatorConfig.builder().stateDirectory(directory).build();
    try (DpsEmulator emulator = DpsEmulator.start(config, keys)) {
      assertEquals(
          List.of(keys.tlsCa().certificate()), PemFiles.readCertificates(emulator.caFile()));
      assertEquals(
          List.of(keys.issuingCa().root()), PemFiles.readCertificates(emulator.issuingCaFile()));
    }
  }

  @Test
  void theStateFileHoldsEverySeededEnrollmentWhenStartReturns() throws IOException {
    Path state = directory.resolve("seeded");
    try (DpsEmulator emulator = DpsEmulator.start(seeded(state).build())) {
      assertEquals(seededIds(), registrationIds(state.resolve("state.json")));
      assertEquals(ENROLLMENTS, emulator.registry().individualEnrollmentVersions().size());
    }
  }

  @Test
  void aStartThatFailsHasFinishedItsStateWrite() throws IOException {
    Path state = directory.resolve("failed");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmulatorConfig config = seeded(state).httpsPort(taken.getLocalPort()).build();
      IOException e = assertThrows(IOException.class, () -> DpsEmulator.start(config));
      assertTrue(e.getMessage().startsWith("cannot listen on "), e.getMessage());
    }
    assertEquals(seededIds(), registrationIds(state.resolve("state.json")));
    try (Stream<Path> files = Files.list(state)) {
      assertEquals(
          List.of("ca.pem", "issuing-ca.pem", "state.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file left behind");
    }
  }

  private static EmulatorConfigBuilder seeded(Path state) {
    EmulatorConfigBuilder builder = EmulatorConfig.builder().stateDirectory(state);
    seededIds()
        .forEach(
            id ->
                builder.addIndividualEnrollment(
                    IndividualEnrollment.symmetricKey(id, TestTokens.VECTOR_KEY)));
    return builder;
  }

  private static List<String> seededIds() {
    return IntStream.range(0, ENROLLMENTS).mapToObj(i -> "seed-" + i).sorted().toList();
  }

  private static List<String> registrationIds(Path stateFile) throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode enrollment :
        Json.MAPPER.readTree(stateFile.toFile()).get("individualEnrollments")) {
      ids.add(enrollment.get("registrationId").asText());
    }
    return ids.stream().sorted().toList();
  }
}
