package io.dpsagent.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One TOML table being read. Remembers which keys were read so that anything left over can be
 * reported as unknown: a typo in a key must fail loudly, not silently fall back to a default.
 */
final class Section {

  private final String path;
  private final ObjectNode node;
  private final Set<String> read = new HashSet<>();

  Section(String path, ObjectNode node) {
    this.path = path;
    this.node = node;
  }

  /** The dotted name of a key in this table, as the operator would write it. */
  String keyName(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  Optional<String> string(String key) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw wrongType(key, "a string");
    }
    return Optional.of(value.textValue());
  }

  String requiredString(String key, String hint) throws InvalidConfigException {
    Optional<String> value = string(key);
    if (value.isEmpty() || value.get().isBlank()) {
      throw new InvalidConfigException(keyName(key), "is missing; " + hint);
    }
    return value.get();
  }

  Optional<Long> integer(String key, long min, long max) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrongType(key, "an integer");
    }
    long v = value.longValue();
    if (v < min || v > max) {
      throw new InvalidConfigException(
          keyName(key), v + " is out of range; use " + min + ".." + max);
    }
    return Optional.of(v);
  }

  /** A TOML float or integer. */
  Optional<Double> number(String key) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw wrongType(key, "a number");
    }
    return Optional.of(value.doubleValue());
  }

  Optional<Boolean> bool(String key) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw wrongType(key, "true or false");
    }
    return Optional.of(value.booleanValue());
  }

  /** A non-empty array of non-empty strings (a command line, never split by a shell). */
  Optional<List<String>> strings(String key) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isArray() || value.isEmpty()) {
      throw wrongType(key, "a non-empty array of strings, e.g. [\"/usr/bin/program\", \"--flag\"]");
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.textValue().isEmpty()) {
        throw wrongType(key, "an array of non-empty strings");
      }
      items.add(item.textValue());
    }
    return Optional.of(List.copyOf(items));
  }

  Optional<Section> table(String key) throws InvalidConfigException {
    JsonNode value = take(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw wrongType(key, "a table");
    }
    return Optional.of(new Section(keyName(key), (ObjectNode) value));
  }

  /** Fails on the first key of this table that nothing asked for. */
  void rejectUnknownKeys() throws InvalidConfigException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!read.contains(key)) {
        throw new InvalidConfigException(
            keyName(key), "unknown key; check its spelling and section");
      }
    }
  }

  private JsonNode take(String key) {
    read.add(key);
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  private InvalidConfigException wrongType(String key, String expected) {
    return new InvalidConfigException(keyName(key), "must be " + expected);
  }
}
