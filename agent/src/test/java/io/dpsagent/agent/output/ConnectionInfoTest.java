package io.dpsagent.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionInfoTest {

  @TempDir Path dir;

  private static ConnectionInfo written() throws Exception {
    return new ConnectionInfo(
        "hub.example",
        "dev-1",
        "reg-1",
        "0ne00000001",
        "https://dps.example:443",
        "tpm",
        new HubAuth("sas", Map.of("tpmKeyHandle", "0x81000100"), Optional.empty()),
        Optional.of("group-1"),
        Optional.of("initialAssignment"),
        Optional.of(new ObjectMapper().readTree("{\"site\":\"berlin\"}")),
        Optional.of("2026-01-01T00:00:00.0000000Z"),
        Optional.of("2026-01-01T00:00:00.0000000Z"),
        Optional.of("\"etag\""),
        Instant.parse("2026-01-01T00:00:01Z"),
        Optional.of("sha256:00ff"),
        HubVerification.NOT_VERIFIED,
        Optional.empty());
  }

  @Test
  void readsBackWhatTheWriterWrote() throws Exception {
    ConnectionInfo info = written();
    new OutputWriter(new OutputConfig(dir, false, false)).write(info);

    ConnectionInfo read = ConnectionInfo.read(dir.resolve(OutputWriter.CONNECTION_JSON));

    assertEquals(info, read);
    assertEquals(Optional.of(info), ConnectionInfo.readIfPresent(dir));
  }

  @Test
  void aSoftwareKeyIsReadBackAsItsReferencesOnly() throws Exception {
    Map<String, String> references =
        new LinkedHashMap<>(Map.of("keyUri", "file:///etc/dps-agent/device.key"));
    ConnectionInfo info =
        written().withHubAuth(new HubAuth("sas", references, Optional.of("SharedAccessKey=S0VZ")));
    new OutputWriter(new OutputConfig(dir, true, false)).write(info);

    HubAuth read = ConnectionInfo.read(dir.resolve(OutputWriter.CONNECTION_JSON)).hubAuth();

    assertEquals(Optional.empty(), read.connectionStringSuffix());
    assertEquals("file:///etc/dps-agent/device.key", read.references().get("keyUri"));
    assertEquals(
        dir.resolve("connection-string").toString(), read.references().get("connectionStringFile"));
  }

  @Test
  void aMissingFileSaysToProvisionFirst() throws Exception {
    Path file = dir.resolve(OutputWriter.CONNECTION_JSON);
    AgentException e = assertThrows(AgentException.class, () -> ConnectionInfo.read(file));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    assertEquals(file + " does not exist; run dps-agent provision first", e.getMessage());
    assertEquals(Optional.empty(), ConnectionInfo.readIfPresent(dir));
  }

  @Test
  void aDamagedFileSaysWhatIsWrongAndToProvisionAgain() throws Exception {
    Path file = dir.resolve(OutputWriter.CONNECTION_JSON);
    Files.writeString(file, "{\"hubHostName\":");
    assertEquals(
        file
            + " is not a readable connection document (not valid JSON); run dps-agent provision again",
        assertThrows(AgentException.class, () -> ConnectionInfo.read(file)).getMessage());
    Files.writeString(file, "{\"hubHostName\":\"hub.example\"}");
    assertEquals(
        file + " lacks deviceId; run dps-agent provision again",
        assertThrows(AgentException.class, () -> ConnectionInfo.read(file)).getMessage());
  }
}
