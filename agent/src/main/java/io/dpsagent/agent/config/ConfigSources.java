package io.dpsagent.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.hsm.Printable;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The layered configuration: the main file, then drop-in files ({@code config.d/*.toml} next to it,
 * in name order, later files win), then a few environment variables for containers. Tables merge
 * key by key; any other value is replaced whole.
 *
 * <p>Every key remembers where it came from, so an error names the file (or variable) to fix.
 */
final class ConfigSources {

  /** Environment variables that override a config key, for containers. */
  static final Map<String, String> ENVIRONMENT_OVERRIDES =
      Map.of(
          "DPS_AGENT_GLOBAL_ENDPOINT", "provisioning.global_endpoint",
          "DPS_AGENT_ID_SCOPE", "provisioning.id_scope",
          "DPS_AGENT_REGISTRATION_ID", "provisioning.attestation.registration_id");

  private static final long MAX_CONFIG_BYTES = 1024 * 1024;

  private final ObjectNode merged = JsonNodeFactory.instance.objectNode();
  private final Map<String, String> origins = new HashMap<>();
  private final Path mainFile;

  private ConfigSources(Path mainFile) {
    this.mainFile = mainFile;
  }

  /** Reads the main file, its drop-ins and the environment overrides. */
  static ConfigSources read(Path mainFile, Map<String, String> environment) throws AgentException {
    ConfigSources sources = new ConfigSources(mainFile);
    sources.merge(sources.parse(mainFile), "", mainFile.toString());
    for (Path dropIn : dropIns(mainFile)) {
      sources.merge(sources.parse(dropIn), "", dropIn.toString());
    }
    for (Map.Entry<String, String> override :
        new java.util.TreeMap<>(ENVIRONMENT_OVERRIDES).entrySet()) {
      String value = environment.get(override.getKey());
      if (value != null && !value.isEmpty()) {
        sources.set(override.getValue(), value, "environment variable " + override.getKey());
      }
    }
    return sources;
  }

  ObjectNode tree() {
    return merged;
  }

  /** Where {@code key} (or its nearest table) was set; the main file when nowhere. */
  String originOf(String key) {
    for (String k = key;
        !k.isEmpty();
        k = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "") {
      String origin = origins.get(k);
      if (origin != null) {
        return origin;
      }
    }
    return mainFile.toString();
  }

  private static List<Path> dropIns(Path mainFile) throws AgentException {
    Path dir = mainFile.toAbsolutePath().getParent().resolve("config.d");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> listing = Files.list(dir)) {
      return listing
          .filter(p -> p.getFileName().toString().endsWith(".toml") && Files.isRegularFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw AgentException.config(
          "cannot list drop-in directory " + dir + ": " + FileProblems.describe(e));
    }
  }

  private ObjectNode parse(Path file) throws AgentException {
    if (Files.isDirectory(file)) {
      throw AgentException.config(
          "config " + file + " is a directory; pass --config FILE naming the config file");
    }
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw AgentException.config("config " + file + " is larger than 1 MiB; check the path");
      }
      return JsonTrees.parseToml(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw AgentException.config("config " + file + " does not exist; pass --config FILE");
    } catch (CharacterCodingException e) {
      throw AgentException.config("config " + file + " is not UTF-8 text; check the path");
    } catch (JsonProcessingException e) {
      throw AgentException.config(
          "config "
              + file
              + " is not valid TOML: "
              + Printable.escape(e.getOriginalMessage(), Printable.DEFAULT_MAX)
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw AgentException.config("cannot read config " + file + ": " + FileProblems.describe(e));
    }
  }

  private void merge(ObjectNode layer, String prefix, String origin) {
    mergeInto(merged, layer, prefix, origin);
  }

  private void mergeInto(ObjectNode target, ObjectNode layer, String prefix, String origin) {
    for (Iterator<Map.Entry<String, JsonNode>> it = layer.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (field.getValue().isObject() && existing != null && existing.isObject()) {
        mergeInto((ObjectNode) existing, (ObjectNode) field.getValue(), key, origin);
      } else {
        target.set(field.getKey(), field.getValue().deepCopy());
        forgetBelow(key);
      }
      origins.put(key, origin);
    }
  }

  private void set(String dottedKey, String value, String origin) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode table = merged;
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      path.append(i == 0 ? "" : ".").append(parts[i]);
      JsonNode next = table.get(parts[i]);
      if (next == null || !next.isObject()) {
        next = table.putObject(parts[i]);
        origins.put(path.toString(), origin);
      }
      table = (ObjectNode) next;
    }
    table.set(parts[parts.length - 1], TextNode.valueOf(value));
    origins.put(dottedKey, origin);
  }

  private void forgetBelow(String key) {
    List<String> stale = new ArrayList<>();
    for (String k : origins.keySet()) {
      if (k.startsWith(key + ".")) {
        stale.add(k);
      }
    }
    stale.forEach(origins::remove);
  }
}
