package io.dpsagent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.example.HubClientApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The example application (examples/hub-client) run in this JVM on a device's agent outputs,
 * against the emulator's hub: its exit code and the JSON events it printed.
 */
final class RecipeApplication {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A finished run. */
  record Run(int exitCode, List<JsonNode> events) {
    JsonNode desired() {
      return events.stream()
          .filter(e -> e.path("event").asText().equals("twin"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no twin event in " + events))
          .get("desired");
    }
  }

  private RecipeApplication() {}

  /** Runs it on {@code device}'s output directory, trusting the emulator, at {@code hub}'s port. */
  static Run run(Device device, DpsEmulator emulator, String hub, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--dir", device.outputDir.toString(),
            "--ca-file", emulator.caFile().toString(),
            "--port", Integer.toString(emulator.hubs().port(hub).orElseThrow())));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    // System.out is the application's channel; one run at a time may own it.
    synchronized (RecipeApplication.class) {
      PrintStream original = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        exit = HubClientApplication.run(args.toArray(String[]::new));
      } finally {
        System.setOut(original);
      }
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        events.add(JSON.readTree(line));
      }
    }
    return new Run(exit, events);
  }
}
