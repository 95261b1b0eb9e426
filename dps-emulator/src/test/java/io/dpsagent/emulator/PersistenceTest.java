package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.OperationCounts;
import io.dpsagent.emulator.state.StateFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DPS instance survives restarts on the same state directory. */
class PersistenceTest {

  @TempDir Path directory;

  @Test
  void scopeEnrollmentsRecordsCountsAndKeysSurviveARestart() throws IOException {
    Path state = directory.resolve("instance");
    EmulatorConfig config =
        EmulatorConfig.builder().stateDirectory(state).retryAfterSeconds(0).build();
    String idScope;
    String connectionString;
    JsonNode enrollment;
    JsonNode record;
    OperationCounts counts;
    try (DpsEmulator first = DpsEmulator.start(config)) {
      idScope = first.idScope();
      connectionString = first.serviceConnectionString();
      ServiceClient service = new ServiceClient(first);
      enrollment =
          service.putOk(
              "/enrollments/kept-1",
              "{\"deviceId\":\"kept-device\",\"attestation\":{\"type\":\"symmetricKey\","
                  + "\"symmetricKey\":{\"primaryKey\":\""
                  + TestTokens.VECTOR_KEY
                  + "\"}},"
                  + "\"initialTwin\":{\"tags\":{\"a\":1}},\"reprovisionPolicy\":"
                  + "{\"updateHubAssignment\":false,\"migrateDeviceData\":true}}");
      Registrations.register(new DeviceClient(first), idScope, "kept-1", TestTokens.VECTOR_KEY);
      record = json(service.send("GET", "/registrations/kept-1", null));
      counts = first.operations();
    }
    assertEquals(new OperationCounts(1, 0, 1, 0, 0, 0, 0), counts);
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(state.resolve("state.json")));
    assertEquals(
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE),
        Files.getPosixFilePermissions(state));
    try (Stream<Path> files = Files.list(state)) {
      assertEquals(
          List.of("ca.pem", "issuing-ca.pem", "state.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left behind");
    }

    try (DpsEmulator second = DpsEmulator.start(config)) {
      assertEquals(idScope, second.idScope());
      assertEquals(
          connectionString.replaceAll(":[0-9]+;", ";"),
          second.serviceConnectionString().replaceAll(":[0-9]+;", ";"),
          "same policy key");
      ServiceClient service = new ServiceClient(second);
      assertEquals(
          enrollment,
          ((com.fasterxml.jackson.databind.node.ObjectNode)
                  json(service.send("GET", "/enrollments/kept-1", null)))
              .without("registrationState"));
      assertEquals(record, json(service.send("GET", "/registrations/kept-1", null)));
      assertEquals(counts, second.operations());

      JsonNode again =
          Registrations.register(
              new DeviceClient(second), idScope, "kept-1", TestTokens.VECTOR_KEY);
      assertEquals("kept-device", again.at("/registrationState/deviceId").asText());
      assertEquals(
          record.get("createdDateTimeUtc").asText(),
          again.at("/registrationState/createdDateTimeUtc").asText());
      assertEquals(new OperationCounts(1, 1, 1, 0, 0, 0, 0), second.operations());
      assertTrue(second.registry().registration("kept-1").orElseThrow().initialTwin().isPresent());
    }
  }

  @Test
  void configSeedsOnlyTheFirstStart() throws IOException {
    Path state = directory.resolve("seeded");
    EmulatorConfig seeding =
        EmulatorConfig.builder()
            .stateDirectory(state)
            .addIndividualEnrollment(
                IndividualEnrollment.symmetricKey("seed-1", TestTokens.VECTOR_KEY))
            .build();
    try (DpsEmulator first = DpsEmulator.start(seeding)) {
      assertTrue(first.registry().removeIndividualEnrollment("seed-1"));
    }

    try (DpsEmulator second = DpsEmulator.start(seeding)) {
      assertEquals(Optional.empty(), second.registry().individualEnrollment("seed-1"));
      assertEquals(1, second.operations().enrollmentAdds(), "the seed counted once");
    }
  }

  @Test
  void configuredIdScopeMustMatchThePersistedOne() throws IOException {
    Path state = directory.resolve("scoped");
    try (DpsEmulator first =
        DpsEmulator.start(
            EmulatorConfig.builder().stateDirectory(state).idScope("0ne00000AAA").build())) {
      assertEquals("0ne00000AAA", first.idScope());
    }

    StateFileException e =
        assertThrows(
            StateFileException.class,
            () ->
                DpsEmulator.start(
                    EmulatorConfig.builder().stateDirectory(state).idScope("0ne00000BBB").build()));
    assertEquals(
        state.resolve("state.json")
            + ": holds ID scope 0ne00000AAA, the config asks for 0ne00000BBB; an ID scope never"
            + " changes (use another state directory)",
        e.getMessage());
    try (DpsEmulator unscoped =
        DpsEmulator.start(EmulatorConfig.builder().stateDirectory(state).build())) {
      assertEquals("0ne00000AAA", unscoped.idScope());
    }
  }

  @Test
  void corruptStateFileIsAOneLineError() throws IOException {
    Path state = Files.createDirectories(directory.resolve("corrupt"));
    Path file = state.resolve("state.json");
    EmulatorConfig config = EmulatorConfig.builder().stateDirectory(state).build();

    Files.writeString(file, "{\"formatVersion\":1,\"idScope\":");
    StateFileException truncated =
        assertThrows(StateFileException.class, () -> DpsEmulator.start(config));
    assertTrue(
        truncated.getMessage().startsWith(file + ": corrupt state file: not valid JSON at line 1"),
        truncated.getMessage());

    Files.writeString(file, "{\"formatVersion\":1,\"idScope\":\"0ne00000001\",\"linkedHubs\":[]}");
    StateFileException incomplete =
        assertThrows(StateFileException.class, () -> DpsEmulator.start(config));
    assertEquals(
        file + ": corrupt state file: individualEnrollments is missing or not an array",
        incomplete.getMessage());

    Files.writeString(file, "{\"formatVersion\":99}");
    StateFileException future =
        assertThrows(StateFileException.class, () -> DpsEmulator.start(config));
    assertFalse(future.getMessage().contains("\n"));
    assertTrue(future.getMessage().contains("formatVersion is not 1"), future.getMessage());
  }
}
