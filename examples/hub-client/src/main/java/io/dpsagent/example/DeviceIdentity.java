package io.dpsagent.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who the device is on its hub, from the files the agent wrote: {@code connection.json} (hub,
 * device ID, how to authenticate) and, for software keys, {@code connection-string}.
 *
 * @param authType {@code sas} or {@code x509}
 * @param sharedAccessKey the device key from {@code connection-string}, when the agent wrote one
 * @param certificateFile for X.509 with files: the PEM chain (leaf first)
 * @param privateKeyFile for X.509 with files: the PKCS#8 PEM private key
 */
public record DeviceIdentity(
    String hubHostName,
    String deviceId,
    String authType,
    Optional<String> sharedAccessKey,
    Optional<Path> certificateFile,
    Optional<Path> privateKeyFile) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads {@code dir/connection.json} and, when it names one, the connection string. */
  public static DeviceIdentity read(Path dir) throws IOException {
    JsonNode connection = JSON.readTree(dir.resolve("connection.json").toFile());
    JsonNode auth = connection.path("auth");
    Optional<String> key = Optional.empty();
    if (auth.hasNonNull("connectionStringFile")) {
      String text = Files.readString(Path.of(auth.get("connectionStringFile").asText()));
      key = Optional.ofNullable(parseConnectionString(text.strip()).get("SharedAccessKey"));
    }
    return new DeviceIdentity(
        required(connection, "hubHostName"),
        required(connection, "deviceId"),
        required(auth, "type"),
        key,
        fileUri(auth, "certificateUri"),
        fileUri(auth, "privateKeyUri"));
  }

  /** {@code HostName=...;DeviceId=...;SharedAccessKey=...} as a map. */
  static Map<String, String> parseConnectionString(String text) {
    Map<String, String> parts = new HashMap<>();
    for (String part : text.split(";")) {
      int equals = part.indexOf('=');
      if (equals > 0) {
        parts.put(part.substring(0, equals), part.substring(equals + 1));
      }
    }
    return parts;
  }

  private static Optional<Path> fileUri(JsonNode auth, String field) {
    if (!auth.hasNonNull(field) || !auth.get(field).asText().startsWith("file:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(URI.create(auth.get(field).asText())));
  }

  private static String required(JsonNode node, String field) throws IOException {
    if (!node.hasNonNull(field)) {
      throw new IOException("connection.json has no " + field);
    }
    return node.get(field).asText();
  }

  @Override
  public String toString() {
    return "DeviceIdentity[" + deviceId + "@" + hubHostName + ", " + authType + "]";
  }
}
