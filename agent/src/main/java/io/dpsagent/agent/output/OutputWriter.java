package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.OutputConfig;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.agent.log.Log;
import io.dpsagent.common.AtomicFiles;
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
 * for software keys, an Azure device connection string. Each file is replaced atomically; {@code
 * connection.json} is written last so that its presence means the set is complete. When another
 * file of the set is about to change, {@code connection.json} is removed first: a crash in between
 * then leaves no {@code connection.json} (no set, provision again) rather than one that contradicts
 * the file beside it.
 */
public final class OutputWriter {

  public static final String CONNECTION_JSON = "connection.json";
  public static final String CONNECTION_STRING = "connection-string";
  public static final String CONNECTION_ENV = "connection.env";
  public static final String INITIAL_CONFIG = "initial-config.json";
  public static final int SCHEMA_VERSION = 1;

  private static final Log LOG = Log.of(OutputWriter.class);

  private final OutputConfig config;

  public OutputWriter(OutputConfig config) {
    this.config = config;
  }

  /**
   * Checks, before anything is sent to DPS, that the outputs of a device authenticating with {@code
   * auth} can be written: the directory exists or can be made, takes a file, and is not open to
   * everybody when a key would be written into it.
   */
  public void prepare(HubAuth auth) throws AgentException {
    prepare(secretIn(auth));
  }

  /** As {@link #prepare(HubAuth)} before the device is known: no secret is judged yet. */
  public void prepare() throws AgentException {
    prepare(Optional.empty());
  }

  private void prepare(Optional<String> secret) throws AgentException {
    OutputDirectory.prepare("output.dir", config.dir(), directoryMode(), secret);
  }

  private Optional<String> secretIn(HubAuth auth) {
    return writesConnectionString(auth)
            && auth.connectionStringSuffix().get().startsWith("SharedAccessKey=")
        ? Optional.of("the device key (" + CONNECTION_STRING + ")")
        : Optional.empty();
  }

  /** As {@link #write}, with a failure reported as a config error that names output.dir. */
  public List<Path> writeOrFail(ConnectionInfo info) throws AgentException {
    try {
      return write(info);
    } catch (IOException e) {
      throw AgentException.config(
          "cannot write outputs to "
              + config.dir()
              + ": "
              + e.getMessage()
              + "; check output.dir and its permissions");
    }
  }

  /**
   * Writes the outputs and returns the files written. The connection string is written when
   * configured and when the hub authentication can be expressed as one; otherwise one left by an
   * earlier run is removed, so that every file present belongs to the same assignment.
   */
  public List<Path> write(ConnectionInfo info) throws IOException {
    Set<PosixFilePermission> fileMode =
        config.groupReadable() ? AtomicFiles.GROUP_READABLE : AtomicFiles.OWNER_ONLY;
    prepareDirectory(config);
    List<Path> written = new ArrayList<>();
    Path json = config.dir().resolve(CONNECTION_JSON);
    Path connectionString = config.dir().resolve(CONNECTION_STRING);
    boolean stringWanted = writesConnectionString(info.hubAuth());
    if (stringWanted && !expressible(info)) {
      LOG.warning(
          "device ID "
              + info.deviceId()
              + " contains ';', which an Azure connection string cannot"
              + " carry; writing connection.json only");
    }
    if (stringWanted && expressible(info)) {
      String text =
          "HostName="
              + info.hubHostName()
              + ";DeviceId="
              + info.deviceId()
              + ";"
              + info.hubAuth().connectionStringSuffix().get()
              + "\n";
      replaceBeside(json, connectionString, text.getBytes(StandardCharsets.UTF_8), fileMode);
      written.add(connectionString);
    } else if (Files.exists(connectionString)) {
      AtomicFiles.delete(json);
      AtomicFiles.delete(connectionString);
    }
    if (config.envFile()) {
      Path file = config.dir().resolve(CONNECTION_ENV);
      replaceBeside(
          json,
          file,
          environmentFile(
                  info,
                  stringWanted && expressible(info)
                      ? info.hubAuth().connectionStringSuffix()
                      : Optional.empty())
              .getBytes(StandardCharsets.UTF_8),
          fileMode);
      written.add(file);
    }
    Path initialConfig = config.dir().resolve(INITIAL_CONFIG);
    if (info.hubVerification().desired().isPresent()) {
      byte[] desired =
          (JsonTrees.writeIndented(info.hubVerification().desired().get()) + "\n")
              .getBytes(StandardCharsets.UTF_8);
      replaceBeside(json, initialConfig, desired, fileMode);
      written.add(initialConfig);
    } else if (Files.exists(initialConfig)) {
      // Present only when this set's verification read the twin: never an older assignment's.
      AtomicFiles.delete(json);
      AtomicFiles.delete(initialConfig);
    }
    AtomicFiles.write(json, toJson(info, written).getBytes(StandardCharsets.UTF_8), fileMode);
    written.add(json);
    return written;
  }

  /** Creates the output directory, if needed, with the mode the outputs' readers need. */
  public static void prepareDirectory(OutputConfig config) throws IOException {
    AtomicFiles.createDirectory(config.dir(), directoryMode(config));
  }

  /**
   * {@code connection.env} for an application unit's {@code EnvironmentFile=}: the values need no
   * quoting (host names, device IDs and connection-string parts never hold spaces or quotes).
   */
  static String environmentFile(ConnectionInfo info, Optional<String> connectionStringSuffix) {
    StringBuilder env =
        new StringBuilder()
            .append("IOTHUB_HOSTNAME=")
            .append(info.hubHostName())
            .append('\n')
            .append("IOTHUB_DEVICE_ID=")
            .append(info.deviceId())
            .append('\n')
            .append("DPS_REGISTRATION_ID=")
            .append(info.registrationId())
            .append('\n')
            .append("IOTHUB_AUTH_TYPE=")
            .append(info.hubAuth().type())
            .append('\n');
    connectionStringSuffix.ifPresent(
        suffix ->
            env.append("IOTHUB_DEVICE_CONNECTION_STRING=HostName=")
                .append(info.hubHostName())
                .append(";DeviceId=")
                .append(info.deviceId())
                .append(';')
                .append(suffix)
                .append('\n'));
    return env.toString();
  }

  private boolean writesConnectionString(HubAuth auth) {
    return config.connectionString() && auth.connectionStringSuffix().isPresent();
  }

  private Set<PosixFilePermission> directoryMode() {
    return directoryMode(config);
  }

  private static Set<PosixFilePermission> directoryMode(OutputConfig config) {
    return PosixFilePermissions.fromString(config.groupReadable() ? "rwxr-x---" : "rwx------");
  }

  /**
   * IoT Hub allows ';' in device IDs, but a connection string splits on it: the ID would be
   * misread.
   */
  private static boolean expressible(ConnectionInfo info) {
    return info.deviceId().indexOf(';') < 0;
  }

  /**
   * Replaces a file the application reads together with {@code connection.json}. When its content
   * changes, {@code connection.json} goes first: a crash in between then leaves no connection.json
   * (provision again) rather than one that contradicts its neighbour.
   */
  private static void replaceBeside(
      Path json, Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    if (!sameContent(file, content)) {
      AtomicFiles.delete(json);
      AtomicFiles.write(file, content, mode);
    }
  }

  private static boolean sameContent(Path file, byte[] content) throws IOException {
    return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content);
  }

  /** The {@code connection.json} document; also what {@code provision --json} prints. */
  public static String toJson(ConnectionInfo info, List<Path> renderings) throws IOException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
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
    renderings.stream()
        .filter(p -> p.getFileName().toString().equals(CONNECTION_STRING))
        .findFirst()
        .ifPresent(p -> auth.put("connectionStringFile", p.toString()));
    info.enrollmentGroupId().ifPresent(v -> root.put("enrollmentGroupId", v));
    info.substatus().ifPresent(v -> root.put("substatus", v));
    root.set("payload", info.payload().orElse(null));
    info.createdDateTimeUtc().ifPresent(v -> root.put("createdDateTimeUtc", v));
    info.lastUpdatedDateTimeUtc().ifPresent(v -> root.put("lastUpdatedDateTimeUtc", v));
    info.etag().ifPresent(v -> root.put("etag", v));
    root.put("provisionedAt", info.provisionedAt().toString());
    info.identityFingerprint().ifPresent(v -> root.put("identityFingerprint", v));
    ObjectNode verification = info.hubVerification().toJson();
    root.set("hubVerification", verification);
    renderings.stream()
        .filter(p -> p.getFileName().toString().equals(INITIAL_CONFIG))
        .findFirst()
        .ifPresent(p -> verification.put("initialConfigFile", p.toString()));
    info.certificate().ifPresent(c -> root.set("certificate", c.toJson()));
    return JsonTrees.writeIndented(root) + "\n";
  }
}
