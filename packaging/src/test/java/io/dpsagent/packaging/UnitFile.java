package io.dpsagent.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of a systemd unit (or any key=value file), each key with all the values it is given.
 */
final class UnitFile {

  private final Map<String, List<String>> settings = new LinkedHashMap<>();

  private UnitFile() {}

  static UnitFile read(Path file) throws IOException {
    UnitFile unit = new UnitFile();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      int eq = trimmed.indexOf('=');
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("[") || eq < 0) {
        continue;
      }
      unit.settings
          .computeIfAbsent(trimmed.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(trimmed.substring(eq + 1).strip());
    }
    return unit;
  }

  /** The value of a key set once; fails when it is absent or set more than once. */
  String get(String key) {
    List<String> values = all(key);
    if (values.size() != 1) {
      throw new AssertionError(
          key + " is set " + values.size() + " times, expected once: " + values);
    }
    return values.get(0);
  }

  List<String> all(String key) {
    return settings.getOrDefault(key, List.of());
  }

  boolean has(String key) {
    return settings.containsKey(key);
  }
}
