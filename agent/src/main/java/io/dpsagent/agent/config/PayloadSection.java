package io.dpsagent.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.agent.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code [provisioning.payload]}: the custom data sent with the registration, inline ({@code json})
 * or from a file ({@code uri}), checked to be one JSON object.
 */
final class PayloadSection {

  private PayloadSection() {}

  /** Binds {@code [provisioning.payload]}: the JSON object as compact text. */
  static String bind(Section s) throws InvalidConfigException {
    Optional<String> uri = s.string("uri");
    Optional<String> inline = s.string("json");
    s.rejectUnknownKeys();
    if (uri.isPresent() == inline.isPresent()) {
      throw new InvalidConfigException(
          s.keyName("uri"), "set exactly one of uri = \"file:///...\" or json = '{...}'");
    }
    String key = uri.isPresent() ? s.keyName("uri") : s.keyName("json");
    String text =
        inline.isPresent()
            ? inline.get()
            : readPayloadFile(ConfigPaths.filePath(uri.get(), key), key);
    try {
      JsonNode node = JsonTrees.parse(text);
      if (node == null || !node.isObject()) {
        throw new InvalidConfigException(key, "the payload must be a JSON object");
      }
      return JsonTrees.write(node);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          key, "the payload is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String readPayloadFile(Path path, String key) throws InvalidConfigException {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException(
          key, "cannot read " + path + ": " + FileProblems.describe(e));
    }
  }
}
