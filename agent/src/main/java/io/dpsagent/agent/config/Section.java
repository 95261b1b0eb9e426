package io.dpsagent.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

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
    return take(key, JsonNode::isTextual, "a string", JsonNode::textValue);
  }

  String requiredString(String key, String hint) throws InvalidConfigException {
    Optional<String> value = string(key);
    if (value.isEmpty() || value.get().isBlank()) {
      throw new InvalidConfigException(keyName(key), "is missing; " + hint);
    }
    return value.get();
  }

  Optional<Long> integer(String key, long min, long max) throws InvalidConfigException {
    Optional<Long> value =
        take(
            key,
            v -> v.isIntegralNumber() && v.canConvertToLong(),
            "an integer",
            JsonNode::longValue);
    if (value.isPresent() && (value.get() < min || value.get() > max)) {
      throw new InvalidConfigException(
          keyName(key), value.get() + " is out of range; use " + min + ".." + max);
    }
    return value;
  }

  /** A TOML float or integer. */
  Optional<Double> number(String key) throws InvalidConfigException {
    return take(key, JsonNode::isNumber, "a number", JsonNode::doubleValue);
  }

  Optional<Boolean> bool(String key) throws InvalidConfigException {
    return take(key, JsonNode::isBoolean, "true or false", JsonNode::booleanValue);
  }

  /** A non-empty array of non-empty strings (a command line, never split by a shell). */
  Optional<List<String>> strings(String key) throws InvalidConfigException {
    Optional<JsonNode> value =
        take(
            key,
            v -> v.isArray() && !v.isEmpty(),
            "a non-empty array of strings, e.g. [\"/usr/bin/program\", \"--flag\"]",
            v -> v);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value.get()) {
      if (!item.isTextual() || item.textValue().isEmpty()) {
        throw wrongType(key, "an array of non-empty strings");
      }
      items.add(item.textValue());
    }
    return Optional.of(List.copyOf(items));
  }

  Optional<Section> table(String key) throws InvalidConfigException {
    return take(key, JsonNode::isObject, "a table", v -> new Section(keyName(key), (ObjectNode) v));
  }

  /** Binds one table of the file into the value it configures. */
  @FunctionalInterface
  interface Binder<T> {
    T bind(Section table) throws InvalidConfigException;
  }

  /** The table {@code key} bound with {@code binder}, or empty when the file has no such table. */
  <T> Optional<T> table(String key, Binder<T> binder) throws InvalidConfigException {
    Optional<Section> table = table(key);
    return table.isPresent() ? Optional.of(binder.bind(table.get())) : Optional.empty();
  }

  /**
   * The table {@code key} bound with {@code binder}; a file without it binds an empty table, so
   * that an absent table and an empty one mean the same: every key takes its default.
   */
  <T> T tableOrDefaults(String key, Binder<T> binder) throws InvalidConfigException {
    return binder.bind(
        table(key)
            .orElseGet(() -> new Section(keyName(key), JsonNodeFactory.instance.objectNode())));
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

  /**
   * The value of {@code key} as {@code convert} turns it, empty when the key is absent or null; a
   * value that is not {@code expected} is the operator's error.
   */
  private <T> Optional<T> take(
      String key, Predicate<JsonNode> isExpected, String expected, Function<JsonNode, T> convert)
      throws InvalidConfigException {
    read.add(key);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!isExpected.test(value)) {
      throw wrongType(key, expected);
    }
    return Optional.of(convert.apply(value));
  }

  private InvalidConfigException wrongType(String key, String expected) {
    return new InvalidConfigException(keyName(key), "must be " + expected);
  }
}
