package io.dpsagent.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.hub.HubCredential;
import io.dpsagent.emulator.hub.HubDevice;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.hub.HubState;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe application against an emulated hub over TLS on loopback, with the files the agent
 * writes for a software key: it reads the initial twin and its message is counted.
 */
class HubClientApplicationTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String OTHER_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private HubServer hub;
  private Path caFile;

  @BeforeEach
  void start() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    caFile =
        Files.writeString(
            dir.resolve("ca.pem"),
            "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(ca.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
    ObjectNode desired = (ObjectNode) JSON.readTree("{\"interval\":30}");
    HubDevice device =
        new HubDevice(
            "gw-1",
            new HubCredential.SymmetricKeys(List.of(HmacKey.ofBase64(KEY))),
            Optional.of(desired));
    hub =
        HubServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new HubState("localhost"),
            new HubServer.Settings(
                ca.issueServerIdentity("localhost").newServerContext(),
                (host, id) -> id.equals("gw-1") ? Optional.of(device) : Optional.empty(),
                Duration.ZERO,
                Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private void agentOutputs(String key) throws Exception {
    Path connectionString =
        Files.writeString(
            dir.resolve("connection-string"),
            "HostName=localhost;DeviceId=gw-1;SharedAccessKey=" + key + "\n");
    Files.writeString(
        dir.resolve("connection.json"),
        JSON.createObjectNode()
            .put("schemaVersion", 1)
            .put("hubHostName", "localhost")
            .put("deviceId", "gw-1")
            .set(
                "auth",
                JSON.createObjectNode()
                    .put("type", "sas")
                    .put("connectionStringFile", connectionString.toString()))
            .toString());
  }

  private record Run(int exitCode, String out) {}

  private Run run(String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--dir", dir.toString(),
                "--ca-file", caFile.toString(),
                "--port", Integer.toString(hub.port())));
    args.addAll(List.of(extra));
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      return new Run(
          HubClientApplication.run(args.toArray(String[]::new)),
          out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void readsTheInitialTwinAndSendsMessagesTheHubCounts() throws Exception {
    agentOutputs(KEY);
    Run run = run("--messages", "2", "--interval-seconds", "0");
    assertEquals(0, run.exitCode(), run.out());
    List<String> lines = run.out().lines().toList();
    assertEquals(
        JSON.readTree("{\"event\":\"twin\",\"desired\":{\"interval\":30,\"$version\":1}}"),
        JSON.readTree(lines.get(1)));
    assertEquals(JSON.readTree("{\"event\":\"sent\",\"seq\":2}"), JSON.readTree(lines.get(3)));
    assertEquals(2, hub.state().messages("gw-1"));
  }

  @Test
  void aRefusedIdentityIsReportedToTheAgentsDaemon() throws Exception {
    agentOutputs(OTHER_KEY);
    Path request = dir.resolve("hub-rejected");
    Run run = run("--hub-rejected", request.toString());
    assertEquals(3, run.exitCode());
    assertTrue(Files.exists(request));
    assertEquals(0, hub.state().messages("gw-1"));
  }

  @Test
  void aKeyThatLivesInAChipNeedsTheDaemonsTokenFile() throws Exception {
    Files.writeString(
        dir.resolve("connection.json"),
        "{\"hubHostName\":\"localhost\",\"deviceId\":\"gw-1\",\"auth\":{\"type\":\"sas\"}}");
    Run run = run();
    assertEquals(2, run.exitCode());
    assertFalse(run.out().contains("connected"));
  }

  @Test
  void aKeyInAChipConnectsWithTheDaemonsTokenFile() throws Exception {
    Files.writeString(
        dir.resolve("connection.json"),
        "{\"hubHostName\":\"localhost\",\"deviceId\":\"gw-1\",\"auth\":{\"type\":\"sas\"}}");
    Path tokenFile =
        Files.writeString(
            dir.resolve("hub-token"),
            HubPassword.signedWith("localhost", "gw-1", KEY, Duration.ofMinutes(10))
                    .current()
                    .value()
                + "\n");
    Run run = run("--token-file", tokenFile.toString());
    assertEquals(0, run.exitCode(), run.out());
    assertEquals(1, hub.state().messages("gw-1"));
  }
}
