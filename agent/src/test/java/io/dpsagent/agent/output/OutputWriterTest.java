package io.dpsagent.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {

  @TempDir Path dir;

  private static ConnectionInfo info() {
    return info("S0VZ");
  }

  private static ConnectionInfo info(String key) {
    return new ConnectionInfo(
        "hub.example",
        "dev-1",
        "dev-1",
        "0ne00000001",
        "https://dps.example:443",
        "symmetric_key",
        new HubAuth(
            "sas",
            java.util.Map.of("keyUri", "file:///etc/dps-agent/device.key"),
            Optional.of("SharedAccessKey=" + key)),
        Optional.empty(),
        Optional.of("initialAssignment"),
        Optional.empty(),
        Optional.of("2026-01-01T00:00:00.0000000Z"),
        Optional.empty(),
        Optional.empty(),
        Instant.parse("2026-01-01T00:00:01Z"),
        Optional.of("sha256:00ff"),
        HubVerification.NOT_VERIFIED,
        Optional.empty());
  }

  @Test
  void writesConnectionJsonAndConnectionStringOwnerOnly() throws Exception {
    Path out = dir.resolve("out");
    List<Path> files = new OutputWriter(new OutputConfig(out, true, false)).write(info());
    assertEquals(List.of(out.resolve("connection-string"), out.resolve("connection.json")), files);
    assertEquals(
        "HostName=hub.example;DeviceId=dev-1;SharedAccessKey=S0VZ\n",
        Files.readString(files.get(0)));
    for (Path f : files) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    JsonNode json = new ObjectMapper().readTree(files.get(1).toFile());
    assertEquals("hub.example", json.get("hubHostName").textValue());
    assertEquals("dev-1", json.get("deviceId").textValue());
    assertEquals("sas", json.path("auth").path("type").textValue());
    assertEquals(
        out.resolve("connection-string").toString(),
        json.path("auth").path("connectionStringFile").textValue());
    assertEquals("initialAssignment", json.get("substatus").textValue());
    assertTrue(json.get("payload").isNull());
    assertFalse(
        Files.readString(files.get(1)).contains("S0VZ"), "connection.json must not hold the key");
  }

  /** IoT Hub allows ';' in a device ID; in a connection string it would start a forged field. */
  @Test
  void aDeviceIdWithASemicolonGetsNoConnectionStringThatWouldMisreadIt() throws Exception {
    ConnectionInfo base = info();
    ConnectionInfo info =
        new ConnectionInfo(
            base.hubHostName(),
            "dev;SharedAccessKey=forged",
            base.registrationId(),
            base.idScope(),
            base.dpsEndpoint(),
            base.attestation(),
            base.hubAuth(),
            base.enrollmentGroupId(),
            base.substatus(),
            base.payload(),
            base.createdDateTimeUtc(),
            base.lastUpdatedDateTimeUtc(),
            base.etag(),
            base.provisionedAt(),
            base.identityFingerprint(),
            base.hubVerification(),
            base.certificate());
    List<Path> files = new OutputWriter(new OutputConfig(dir, true, false)).write(info);
    assertEquals(List.of(dir.resolve("connection.json")), files);
    assertEquals(
        "dev;SharedAccessKey=forged",
        new ObjectMapper().readTree(files.get(0).toFile()).get("deviceId").textValue());
  }

  @Test
  void groupReadableModeAndNoConnectionStringWhenDisabled() throws Exception {
    List<Path> files = new OutputWriter(new OutputConfig(dir, false, true)).write(info());
    assertEquals(List.of(dir.resolve("connection.json")), files);
    assertEquals(
        "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
  }

  @Test
  void replacingLeavesNoTemporaryFilesBehind() throws Exception {
    OutputWriter writer = new OutputWriter(new OutputConfig(dir, true, false));
    writer.write(info());
    writer.write(info("TkVX"));
    try (Stream<Path> listing = Files.list(dir)) {
      assertEquals(
          List.of("connection-string", "connection.json"),
          listing.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(
        "HostName=hub.example;DeviceId=dev-1;SharedAccessKey=TkVX\n",
        Files.readString(dir.resolve("connection-string")));
  }

  @Test
  void aSetWithoutConnectionStringRemovesTheOneAnEarlierRunLeft() throws Exception {
    new OutputWriter(new OutputConfig(dir, true, false)).write(info());
    List<Path> files = new OutputWriter(new OutputConfig(dir, false, false)).write(info("TkVX"));

    assertEquals(List.of(dir.resolve("connection.json")), files);
    assertFalse(
        Files.exists(dir.resolve("connection-string")),
        "every file present belongs to the same assignment");
  }

  @Test
  void aWorldWritableDirectoryIsRefusedOnlyWhenAKeyWouldBeWrittenThere() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    HubAuth key = info().hubAuth();
    HubAuth certificate = new HubAuth("x509", java.util.Map.of(), Optional.of("x509=true"));

    OutputWriter withString = new OutputWriter(new OutputConfig(dir, true, false));
    AgentException e = assertThrows(AgentException.class, () -> withString.prepare(key));
    assertEquals(OutputDirectoryTest.worldWritableRefusal(dir), e.getMessage());
    new OutputWriter(new OutputConfig(dir, false, false)).prepare(key);
    withString.prepare(certificate);
  }

  @Test
  void aSetThatStopsHalfwayLeavesNoConnectionJsonThatContradictsItsNeighbour() throws Exception {
    OutputWriter writer = new OutputWriter(new OutputConfig(dir, true, false));
    writer.write(info());
    // The connection string cannot be replaced (a directory stands in its place): the write stops
    // after the point where a crash could also stop it.
    Files.delete(dir.resolve("connection-string"));
    Files.createDirectory(dir.resolve("connection-string"));
    Files.writeString(dir.resolve("connection-string").resolve("child"), "x");

    org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> writer.write(info("TkVX")));

    assertFalse(
        Files.exists(dir.resolve("connection.json")),
        "connection.json went before its neighbour changed");
  }

  @Test
  void anUnchangedConnectionStringKeepsConnectionJsonInPlaceThroughout() throws Exception {
    OutputWriter writer = new OutputWriter(new OutputConfig(dir, true, false));
    writer.write(info());
    Object before = Files.getAttribute(dir.resolve("connection-string"), "unix:ino");

    writer.write(info());

    assertEquals(
        before, Files.getAttribute(dir.resolve("connection-string"), "unix:ino"), "not rewritten");
    assertTrue(Files.exists(dir.resolve("connection.json")));
  }
}
