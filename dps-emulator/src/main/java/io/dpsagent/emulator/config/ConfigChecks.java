package io.dpsagent.emulator.config;

import io.dpsagent.emulator.registry.AllocationPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The checks every part of the config file reader makes, each failing with a {@link
 * ConfigException} that names the file and the key.
 */
final class ConfigChecks {

  private final Path file;

  ConfigChecks(Path file) {
    this.file = file;
  }

  ConfigException problem(String key, String problem) {
    return new ConfigException(file, key, problem);
  }

  AllocationPolicy allocationPolicy(String name, String key) throws ConfigException {
    return at(key + ".allocation_policy", () -> AllocationPolicy.fromName(name));
  }

  Path existingFile(String name, String key) throws ConfigException {
    Path path = file.toAbsolutePath().getParent().resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(file, key, "no such file: " + path);
    }
    return path;
  }

  void requireUnique(Set<String> seen, String value, String key) throws ConfigException {
    if (!seen.add(value.toLowerCase(Locale.ROOT))) {
      throw new ConfigException(file, key, "duplicate \"" + value + "\"");
    }
  }

  String required(String value, String key) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw new ConfigException(file, key, "is required");
    }
    return value;
  }

  /** Runs one conversion step, naming {@code key} if it rejects its input. */
  <T> T at(String key, Supplier<T> step) throws ConfigException {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, key, e.getMessage());
    }
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
