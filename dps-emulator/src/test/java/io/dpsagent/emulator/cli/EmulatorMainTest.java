package io.dpsagent.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.DeviceClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real command in a child JVM on the test class path, stopped with SIGTERM. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EmulatorMainTest {

  @TempDir Path directory;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void jsonModePrintsOneLineAndStopsOnSigterm() throws Exception {
    Path state = directory.resolve("state");
    Path stderr = directory.resolve("stderr.txt");
    Process process = start(stderr, "--json", "--state", state.toString());

    try (BufferedReader stdout = stdout(process)) {
      JsonNode announced = announcement(stdout, stderr);
      String line = announced.toString();
      List<String> fields = new ArrayList<>();
      announced.fieldNames().forEachRemaining(fields::add);
      assertEquals(
          List.of(
              "idScope",
              "httpsEndpoint",
              "mqttEndpoint",
              "mqttWebSocketEndpoint",
              "caFile",
              "serviceConnectionString",
              "hubs"),
          fields);
      assertEquals("localhost", announced.get("hubs").get(0).get("hostName").asText());
      assertTrue(announced.get("hubs").get(0).get("mqttPort").asInt() > 0, line);
      assertTrue(announced.get("idScope").asText().matches("0ne[0-9A-F]{8}"), line);
      assertTrue(announced.get("httpsEndpoint").asText().matches("https://localhost:[0-9]+"), line);
      assertTrue(announced.get("mqttEndpoint").asText().matches("mqtts://localhost:[0-9]+"), line);
      assertTrue(
          announced
              .get("mqttWebSocketEndpoint")
              .asText()
              .matches("wss://localhost:[0-9]+/\\$iothub/websocket"),
          line);
      String serviceConnectionString = announced.get("serviceConnectionString").asText();
      assertTrue(
          serviceConnectionString.matches(
              "HostName=localhost:[0-9]+;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=.+"),
          "connection string shape");
      Path caFile = Path.of(announced.get("caFile").asText());
      assertEquals(state.resolve("ca.pem").toAbsolutePath(), caFile);

      DeviceClient device =
          new DeviceClient(URI.create(announced.get("httpsEndpoint").asText()), caFile);
      DeviceClient.assertError(
          device.register(
              announced.get("idScope").asText(),
              "cli-1",
              "SharedAccessSignature sr=x&sig=c2VjcmV0&se=1",
              "{}"),
          401,
          401002);

      // SIGTERM through the handle: Process.destroy() would also close our end of stdout.
      assertTrue(process.toHandle().destroy());
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
      assertEquals(null, stdout.readLine(), "nothing but the JSON line on stdout");
    }
    assertEquals(143, process.exitValue(), "terminated by SIGTERM");
    String log = read(stderr);
    assertTrue(log.contains("/registrations/cli-1/register -> 401"), log);
    assertFalse(log.contains("c2VjcmV0"), "no signature in the log");
    assertFalse(log.contains("SharedAccessKey="), "no service key in the log");
  }

  @Test
  void corruptStateFileExitsWithTwoAndOneLine() throws Exception {
    Path state = Files.createDirectories(directory.resolve("state"));
    Files.writeString(state.resolve("state.json"), "{\"formatVersion\":1,");
    Path stderr = directory.resolve("stderr.txt");

    Process process = start(stderr, "--state", state.toString());

    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    List<String> lines = Files.readAllLines(stderr);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(
        lines
            .get(0)
            .startsWith("dps-emulator: " + state.resolve("state.json") + ": corrupt state file:"),
        lines.get(0));
    assertEquals(0, process.getInputStream().readAllBytes().length, "nothing on stdout");
  }

  @Test
  void textModeNamesEndpointScopeAndCaFile() throws Exception {
    Process process = start(directory.resolve("stderr.txt"), "--state", directory.toString());

    try (BufferedReader stdout = stdout(process)) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        lines.add(stdout.readLine());
      }
      String text = String.join("\n", lines);
      assertTrue(text.contains("ID scope:"), text);
      assertTrue(text.contains("HTTPS endpoint:  https://localhost:"), text);
      assertTrue(text.contains("MQTT endpoint:   mqtts://localhost:"), text);
      assertTrue(text.contains("MQTT over WSS:   wss://localhost:"), text);
      assertTrue(
          text.contains("CA file:         " + directory.resolve("ca.pem").toAbsolutePath()), text);
    } finally {
      process.destroy();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void badConfigExitsWithTwoAndOneLineNamingFileAndKey() throws Exception {
    Path config = Files.writeString(directory.resolve("bad.toml"), "[emulator]\nport = 1\n");
    Path stderr = directory.resolve("stderr.txt");

    Process process = start(stderr, "--config", config.toString());

    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    assertEquals(
        List.of("dps-emulator: " + config + ": emulator.port: unknown key"),
        Files.readAllLines(stderr));
    assertEquals(0, process.getInputStream().readAllBytes().length, "nothing on stdout");
  }

  @Test
  void standardPortsPutEveryListenerOnItsStandardPortOfConsecutiveAddresses() throws Exception {
    String base = "127.91." + ThreadLocalRandom.current().nextInt(256) + ".10";
    assumeCanBind443(base);
    Path state = directory.resolve("standard-state");
    Path stderr = directory.resolve("stderr.txt");
    Process process =
        start(stderr, "--json", "--standard-ports", base, "--state", state.toString());

    try (BufferedReader stdout = stdout(process)) {
      JsonNode announced = announcement(stdout, stderr);
      String prefix = base.substring(0, base.lastIndexOf('.') + 1);
      assertEquals("https://" + base + ":443", announced.get("httpsEndpoint").asText());
      assertEquals("mqtts://" + base + ":8883", announced.get("mqttEndpoint").asText());
      assertEquals(
          "wss://" + base + ":443/$iothub/websocket",
          announced.get("mqttWebSocketEndpoint").asText());
      assertTrue(
          announced
              .get("serviceConnectionString")
              .asText()
              .startsWith("HostName=" + prefix + "11;SharedAccessKeyName="),
          "the service API on 443 of the next address, named without a port");
      assertEquals(prefix + "12", announced.get("hubs").get(0).get("hostName").asText());
      assertEquals(8883, announced.get("hubs").get(0).get("mqttPort").asInt());
      assertEquals(1, announced.get("hubs").size());

      // Each one answers there, over TLS whose certificate names the address.
      Path caFile = Path.of(announced.get("caFile").asText());
      DeviceClient device = new DeviceClient(URI.create("https://" + base), caFile);
      DeviceClient.assertError(
          device.register(announced.get("idScope").asText(), "cli-std", null, "{}"), 401, 401002);
      try (Socket mqtt = new Socket(base, 8883);
          Socket hub = new Socket(prefix + "12", 8883);
          Socket service = new Socket(prefix + "11", 443)) {
        assertTrue(mqtt.isConnected() && hub.isConnected() && service.isConnected());
      }
    } finally {
      process.destroy();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void standardPortsRefuseAnAddressThatIsNotLoopbackInOneLine() throws Exception {
    Path stderr = directory.resolve("stderr.txt");

    Process process = start(stderr, "--standard-ports", "10.0.0.1");

    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    assertEquals(
        List.of(
            "dps-emulator: --standard-ports: '10.0.0.1' is not an IPv4 loopback address with two"
                + " free addresses after it; use one such as 127.20.30.1"),
        Files.readAllLines(stderr));
  }

  @Test
  void standardPortsRefuseAHubNamedByDns() throws Exception {
    Path config =
        Files.writeString(
            directory.resolve("hubs.toml"), "[[linked_hubs]]\nhost_name = \"hub.example\"\n");
    Path stderr = directory.resolve("stderr.txt");

    Process process =
        start(stderr, "--config", config.toString(), "--standard-ports", "127.20.30.1");

    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    assertEquals(
        List.of(
            "dps-emulator: --standard-ports: linked hub 'hub.example' is not named by an IP"
                + " address, so it cannot have port 8883 of its own; name it by a loopback address"
                + " such as 127.20.30.3"),
        Files.readAllLines(stderr));
  }

  // Port 443 needs root or CAP_NET_BIND_SERVICE; without either this test cannot run here.
  private static void assumeCanBind443(String address) throws IOException {
    try (ServerSocket probe = new ServerSocket(443, 1, InetAddress.getByName(address))) {
      assertTrue(probe.isBound());
    } catch (BindException e) {
      assumeTrue(false, "cannot bind " + address + ":443 (" + e.getMessage() + ")");
    }
  }

  private Process start(Path stderr, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(testClassPath());
    command.add(EmulatorMain.class.getName());
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command)
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    processes.add(process);
    return process;
  }

  private static BufferedReader stdout(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The one JSON line that {@code --json} prints once the emulator is up. */
  private static JsonNode announcement(BufferedReader stdout, Path stderr) throws IOException {
    String line = stdout.readLine();
    assertNotNull(line, () -> "no output; stderr: " + read(stderr));
    return new ObjectMapper().readTree(line);
  }

  // Surefire may hand the forked JVM a manifest-only jar; it also publishes the real class path.
  private static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
