package io.dpsagent.agent.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.agent.output.Assignments;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.HubVerification.Result;
import io.dpsagent.agent.output.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code initial-config.json} in the output set: written with the set's file mode before {@code
 * connection.json}, present only when the set's verification read the twin, and the outcome
 * recorded in {@code connection.json} for {@code status}.
 */
class InitialConfigOutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir Path dir;

  private static ConnectionInfo connection(HubVerification verification) {
    return Assignments.assigned(
            "hub.example.net", "dev-1", new HubAuth("sas", Map.of(), Optional.empty()), AT)
        .withHubVerification(verification);
  }

  private static HubVerification reachable() throws Exception {
    return HubVerification.reachable(
        AT,
        Optional.of((ObjectNode) JSON.readTree("{\"interval\":30,\"$version\":1}")),
        "hub.example.net:8883 accepted the device and sent its twin");
  }

  private JsonNode connectionJson() throws Exception {
    return JSON.readTree(dir.resolve(OutputWriter.CONNECTION_JSON).toFile());
  }

  @Test
  void theTwinsDesiredPropertiesAreWrittenBesideConnectionJson() throws Exception {
    List<Path> written =
        new OutputWriter(new OutputConfig(dir, false, true)).write(connection(reachable()));

    Path initial = dir.resolve(OutputWriter.INITIAL_CONFIG);
    assertEquals(List.of(initial, dir.resolve(OutputWriter.CONNECTION_JSON)), written);
    assertEquals(
        JSON.readTree("{\"interval\":30,\"$version\":1}"), JSON.readTree(initial.toFile()));
    assertEquals(
        "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(initial)));
    assertEquals(
        JSON.readTree(
            "{\"result\":\"reachable\",\"at\":\"2026-11-30T10:00:00Z\",\"detail\":"
                + "\"hub.example.net:8883 accepted the device and sent its twin\","
                + "\"initialConfigFile\":\""
                + initial
                + "\"}"),
        connectionJson().get("hubVerification"));
  }

  @Test
  void theOutcomeIsReadBackWithTheDesiredPropertiesOfItsInitialConfig() throws Exception {
    OutputWriter writer = new OutputWriter(new OutputConfig(dir, false, false));
    writer.write(connection(reachable()));
    byte[] initialConfig = Files.readAllBytes(dir.resolve(OutputWriter.INITIAL_CONFIG));

    ConnectionInfo read = ConnectionInfo.readIfPresent(dir).orElseThrow();
    assertEquals(reachable(), read.hubVerification());

    // The daemon rewrites a cached set at boot: the initial config must survive the round trip.
    writer.write(read);
    assertArrayEquals(initialConfig, Files.readAllBytes(dir.resolve(OutputWriter.INITIAL_CONFIG)));
  }

  @Test
  void aSetWithoutTheTwinRemovesAnEarlierInitialConfig() throws Exception {
    OutputWriter writer = new OutputWriter(new OutputConfig(dir, false, false));
    writer.write(connection(reachable()));

    List<Path> written =
        writer.write(
            connection(
                HubVerification.failed(Result.UNREACHABLE, AT, "hub.example.net:8883: refused")));

    assertEquals(List.of(dir.resolve(OutputWriter.CONNECTION_JSON)), written);
    assertFalse(Files.exists(dir.resolve(OutputWriter.INITIAL_CONFIG)));
    assertEquals("unreachable", connectionJson().path("hubVerification").path("result").asText());
  }

  @Test
  void aSetWrittenWithoutVerificationSaysSo() throws Exception {
    new OutputWriter(new OutputConfig(dir, false, false))
        .write(connection(HubVerification.NOT_VERIFIED));

    assertEquals(
        JSON.readTree("{\"result\":\"not_verified\"}"), connectionJson().get("hubVerification"));
    assertEquals(
        HubVerification.NOT_VERIFIED,
        ConnectionInfo.readIfPresent(dir).orElseThrow().hubVerification());
  }
}
