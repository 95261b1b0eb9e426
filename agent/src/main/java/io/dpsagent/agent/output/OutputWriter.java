package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.config.OutputConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the provisioning result for the application: {@code connection.json} (the contract) and,
 * for software keys, an Azure device connection string. Each file is replaced atomically;
 * {@code connection.json} is written last so that its presence means the set is complete. When
 * another file of the set is about to change, {@code connection.json} is removed first: a crash in
 * between then leaves no {@code connection.json} (no set, provision again) rather than one that
 * contradicts the file beside it.
 */
public final class OutputWriter {

  public static final String CONNECTION_JSON = "connection.json";
  public static final String CONNECTION_STRING = "connection-string";
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final OutputConfig config;

  public OutputWriter(OutputConfig config) {
    this.config = config;
  }

  /**
   * Writes the outputs and returns the files written. The connection string is written when
   * configured and when the hub authentication can be expressed as one.
   */
  public List<Path> write(ConnectionInfo info) throws IOException {
    Set<PosixFilePermission> fileMode = config.groupReadable() ? AtomicFiles.GROUP_READABLE : AtomicFiles.OWNER_ONLY;
    AtomicFiles.createDirectory(config.dir(),
        PosixFilePermissions.fromString(config.groupReadable() ? "rwxr-x---" : "rwx------"));
    List<Path> written = new ArrayList<>();
    Optional<String> suffix = info.hubAuth().connectionStringSuffix();
    Path json = config.dir().resolve(CONNECTION_JSON);
    if (config.connectionString() && suffix.isPresent()) {
      Path file = config.dir().resolve(CONNECTION_STRING);
      String text = "HostName=" + info.hubHostName() + ";DeviceId=" + info.deviceId() + ";" + suffix.get() + "\n";
      byte[] content = text.getBytes(StandardCharsets.UTF_8);
      if (!sameContent(file, content)) {
        AtomicFiles.delete(json);
        AtomicFiles.write(file, content, fileMode);
      }
      written.add(file);
    }
    AtomicFiles.write(json, toJson(info, written).getBytes(StandardCharsets.UTF_8), fileMode);
    written.add(json);
    return written;
  }

  private static boolean sameContent(Path file, byte[] content) throws IOException {
    return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content);
  }

  /** The {@code connection.json} document; also what {@code provision --json} prints. */
  public static String toJson(ConnectionInfo info, List<Path> renderings) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("hubHostName", info.hubHostName());
    root.put("deviceId", info.deviceId());
    root.put("registrationId", info.registrationId());
    root.put("idScope", info.idScope());
    root.put("dpsEndpoint", info.dpsEndpoint());
    root.put("attestation", info.attestation());
    ObjectNode auth = root.putObject("auth");
    auth.put("type", info.hubAuth().type());
    info.hubAuth().references().forEach(auth::put);
    renderings.stream().filter(p -> p.getFileName().toString().equals(CONNECTION_STRING)).findFirst()
        .ifPresent(p -> auth.put("connectionStringFile", p.toString()));
    info.enrollmentGroupId().ifPresent(v -> root.put("enrollmentGroupId", v));
    info.substatus().ifPresent(v -> root.put("substatus", v));
    root.set("payload", info.payload().orElse(null));
    info.createdDateTimeUtc().ifPresent(v -> root.put("createdDateTimeUtc", v));
    info.lastUpdatedDateTimeUtc().ifPresent(v -> root.put("lastUpdatedDateTimeUtc", v));
    info.etag().ifPresent(v -> root.put("etag", v));
    root.put("provisionedAt", info.provisionedAt().toString());
    return JSON.writeValueAsString(root) + "\n";
  }
}
