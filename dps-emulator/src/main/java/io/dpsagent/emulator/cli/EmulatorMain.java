package io.dpsagent.emulator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.StartupKeys;
import io.dpsagent.emulator.config.ConfigException;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.hub.HubState;
import io.dpsagent.emulator.state.StateFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dps-emulator [--config FILE] [--state DIR] [--json] [--standard-ports ADDRESS]}: runs a
 * local DPS until stopped.
 */
@Command(
    name = "dps-emulator",
    mixinStandardHelpOptions = true,
    description = "A local Device Provisioning Service. Runs until SIGINT or SIGTERM.")
public final class EmulatorMain implements Callable<Integer> {

  static final int EXIT_CONFIG_ERROR = 2;
  static final int EXIT_START_FAILED = 1;

  // Held so the level is not lost when the logger would otherwise be garbage collected.
  private static final Logger NETTY_LOGGER = Logger.getLogger("io.netty");

  @Option(names = "--config", paramLabel = "FILE", description = "TOML config file.")
  private Path configFile;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "The DPS instance's directory: state.json (kept across restarts) and ca.pem.")
  private Path stateDirectory;

  @Option(names = "--json", description = "Print the endpoints as one JSON line.")
  private boolean json;

  @Option(
      names = "--standard-ports",
      paramLabel = "ADDRESS",
      description =
          "Serve where the official SDKs look: the device API on ADDRESS:443 (HTTPS, MQTT over"
              + " WebSocket) and :8883 (MQTT), the service API on the next address's 443, the"
              + " linked hubs on 8883 of the addresses after it. ADDRESS is a loopback address"
              + " such as 127.20.30.1; ports below 1024 need root or CAP_NET_BIND_SERVICE.")
  private String standardPorts;

  // Begun before the command line is even parsed: see StartupKeys.
  private final StartupKeys keys;

  private EmulatorMain(StartupKeys keys) {
    this.keys = keys;
  }

  public static void main(String[] args) {
    configureRuntime();
    StartupKeys keys = StartupKeys.begin();
    int exitCode = new CommandLine(new EmulatorMain(keys)).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    EmulatorConfig config;
    try {
      config = configFile == null ? EmulatorConfig.defaults() : EmulatorConfig.load(configFile);
    } catch (ConfigException e) {
      System.err.println("dps-emulator: " + e.getMessage());
      return EXIT_CONFIG_ERROR;
    }
    if (stateDirectory != null) {
      config = config.toBuilder().stateDirectory(stateDirectory).build();
    }
    if (standardPorts != null) {
      try {
        config = StandardPorts.apply(config, standardPorts);
      } catch (IllegalArgumentException e) {
        System.err.println("dps-emulator: " + e.getMessage());
        return EXIT_CONFIG_ERROR;
      }
    }
    DpsEmulator emulator;
    try {
      emulator = DpsEmulator.start(config, keys);
    } catch (StateFileException e) {
      System.err.println("dps-emulator: " + e.getMessage());
      return EXIT_CONFIG_ERROR;
    } catch (IOException e) {
      System.err.println("dps-emulator: cannot start: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stopped.countDown();
                },
                "dps-emulator-shutdown"));
    announce(emulator, System.out);
    // Netty's threads are daemons: the JVM stays up only while this thread waits.
    stopped.await();
    return 0;
  }

  private void announce(DpsEmulator emulator, PrintStream out) {
    if (json) {
      out.println(toJsonLine(emulator));
    } else {
      out.println("dps-emulator ready (stop with Ctrl-C)");
      out.println("  ID scope:        " + emulator.idScope());
      out.println("  HTTPS endpoint:  " + emulator.httpsEndpoint());
      out.println("  MQTT endpoint:   " + emulator.mqttEndpoint());
      out.println("  MQTT over WSS:   " + emulator.mqttWebSocketEndpoint());
      out.println("  CA file:         " + emulator.caFile());
      out.println("  Service API:     " + emulator.serviceEndpoint());
      out.println("  Service connection string: " + emulator.serviceConnectionString());
      for (HubState hub : emulator.hubs().states()) {
        out.println(
            "  Hub (MQTT):      "
                + hub.hostName()
                + " on port "
                + emulator.hubs().port(hub.hostName()).orElseThrow());
      }
    }
    out.flush();
  }

  private static String toJsonLine(DpsEmulator emulator) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("idScope", emulator.idScope());
    fields.put("httpsEndpoint", emulator.httpsEndpoint().toString());
    fields.put("mqttEndpoint", emulator.mqttEndpoint().toString());
    fields.put("mqttWebSocketEndpoint", emulator.mqttWebSocketEndpoint().toString());
    fields.put("caFile", emulator.caFile().toString());
    fields.put("serviceConnectionString", emulator.serviceConnectionString());
    List<Map<String, Object>> hubs = new ArrayList<>();
    for (HubState hub : emulator.hubs().states()) {
      hubs.add(
          Map.of(
              "hostName", hub.hostName(),
              "mqttPort", emulator.hubs().port(hub.hostName()).orElseThrow()));
    }
    fields.put("hubs", hubs);
    try {
      return new ObjectMapper().writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }

  private static void configureRuntime() {
    // One line per record on stderr; stdout is reserved for the start-up announcement.
    setDefault(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    NETTY_LOGGER.setLevel(Level.WARNING);
    // Netty's buffer allocator defines Flight Recorder events, and loading the JFR classes for them
    // costs the start 0.1 s; its events are of no use to an emulator's user. -D turns them back on.
    setDefault("io.netty.jfr.enabled", "false");
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
