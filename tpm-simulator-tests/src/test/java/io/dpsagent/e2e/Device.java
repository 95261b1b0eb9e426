package io.dpsagent.e2e;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.hsm.testing.Swtpm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * A simulated device's files: its key, its agent config and its output directory, all under one
 * temporary directory. Config lines can be added per test. The public part serves the interop
 * tests, which run the agent beside the official SDKs.
 */
public final class Device {

  final Path home;
  final Path keyFile;
  final Path configFile;
  Path outputDir;
  private final StringBuilder extra = new StringBuilder();
  private final StringBuilder provisioningKeys = new StringBuilder();
  private final StringBuilder outputKeys = new StringBuilder();
  private String endpoint;
  private String idScope;
  private Path trustBundle;
  private String registrationId;
  private String keyKind = "symmetric_key";
  private String transport = "https";
  private boolean x509;
  private String x509Identity = "";
  private String tpmTable;
  private String keyUri;

  public Device(Path home) {
    this.home = home;
    this.keyFile = home.resolve("device.key");
    this.configFile = home.resolve("config.toml");
    this.outputDir = home.resolve("out");
  }

  /** Device {@code id} with a home of its own, {@code parent/id}. */
  static Device named(Path parent, String id) throws IOException {
    return new Device(Files.createDirectories(parent.resolve(id))).registrationId(id);
  }

  public static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  Device endpoint(URI httpsEndpoint, String idScope, Path caFile) {
    this.endpoint = httpsEndpoint.toString();
    this.idScope = idScope;
    this.trustBundle = caFile;
    return this;
  }

  /** Points the device at the emulator's HTTPS endpoint, trusting the emulator's CA. */
  public Device endpoint(DpsEmulator emulator) {
    return endpoint(emulator.httpsEndpoint(), emulator.idScope(), emulator.caFile());
  }

  /** Points the device at the emulator's endpoint for {@code transport}, and selects it. */
  Device endpoint(DpsEmulator emulator, String transport) {
    return transport(transport)
        .endpoint(Emulators.endpointOf(emulator, transport), emulator.idScope(), emulator.caFile());
  }

  Device endpoint(String endpoint) {
    this.endpoint = endpoint;
    return this;
  }

  Device withoutTrustBundle() {
    this.trustBundle = null;
    return this;
  }

  /**
   * Writes the outputs to {@code dir} instead of {@code home/out} (several devices, one directory).
   */
  Device outputDir(Path dir) {
    this.outputDir = dir;
    return this;
  }

  public Device registrationId(String id) {
    this.registrationId = id;
    return this;
  }

  String registrationId() {
    return registrationId;
  }

  /** Selects the transport ({@code https}, {@code mqtt}, {@code mqtt5}, {@code mqtt-ws}). */
  Device transport(String name) {
    this.transport = name;
    return this;
  }

  /** X.509 attestation with the leaf's PEM chain and key; the registration ID is its CN. */
  Device x509(io.dpsagent.common.testing.TestPki.Leaf leaf) throws IOException {
    Path chain = home.resolve("device-chain.pem");
    Path key = home.resolve("device-key.pem");
    leaf.writePem(chain, key);
    this.x509 = true;
    this.x509Identity =
        "identity_cert = { uri = \""
            + chain.toUri()
            + "\" }\n"
            + "identity_pk = { uri = \""
            + key.toUri()
            + "\" }\n";
    return this;
  }

  /**
   * TPM attestation with the TPM at {@code tcti}; the registration ID is derived from its EK unless
   * one was set. {@code extraTpmKeys} go into the {@code [tpm]} table.
   */
  Device tpm(String tcti, String extraTpmKeys) {
    this.tpmTable = "[tpm]\ntcti = \"" + tcti + "\"\n" + extraTpmKeys + "\n";
    return this;
  }

  /** TPM attestation with {@code tpm}, nothing more in the {@code [tpm]} table. */
  Device tpm(Swtpm tpm) {
    return tpm(tpm.tcti().toString(), "");
  }

  public Device deviceKey(String base64) throws IOException {
    this.keyKind = "symmetric_key";
    writeKey(base64);
    return this;
  }

  /**
   * Gives the device {@code key} and enrolls its registration ID individually with that key in
   * {@code emulator}.
   */
  Device enrolledIn(DpsEmulator emulator, String key) throws IOException {
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey(registrationId, key));
    return deviceKey(key);
  }

  /** The symmetric key (device or group key) in the device's key file. */
  String symmetricKey() throws IOException {
    return Files.readString(keyFile).strip();
  }

  /** An enrollment group made around a group key. */
  interface GroupWithKey {
    EnrollmentGroup of(String groupKey) throws Exception;
  }

  /**
   * Gives the device a new group key and enrolls in {@code emulator} the group that {@code group}
   * makes of it.
   */
  Device memberOf(DpsEmulator emulator, GroupWithKey group) throws Exception {
    String key = newKey();
    emulator.registry().addEnrollmentGroup(group.of(key));
    return groupKey(key);
  }

  Device groupKey(String base64) throws IOException {
    this.keyKind = "group_key";
    writeKey(base64);
    return this;
  }

  /** Sends every connection through the HTTP proxy at {@code uri} ({@code provisioning.proxy}). */
  Device proxy(String uri) {
    return provisioning("proxy = \"" + uri + "\"");
  }

  /** Adds keys to the {@code [provisioning]} table. */
  Device provisioning(String tomlLines) {
    provisioningKeys.append(tomlLines).append('\n');
    return this;
  }

  /** Where the daemon keeps the hub token ({@code output.token_dir}). */
  Device tokenDir(Path dir) {
    return output("token_dir = \"" + dir + "\"");
  }

  /** Adds keys to the {@code [output]} table. */
  Device output(String tomlLines) {
    outputKeys.append(tomlLines).append('\n');
    return this;
  }

  /** Appends tables after the generated ones. */
  Device config(String tomlLines) {
    extra.append(tomlLines).append('\n');
    return this;
  }

  /**
   * Names the symmetric key by this URI (a token key, or anything a test wants to feed the agent).
   */
  Device symmetricKeyUri(String uri) {
    this.keyUri = uri;
    return this;
  }

  /** Names the group key by this URI (a key in a token). */
  Device groupKeyUri(String uri) {
    this.keyKind = "group_key";
    this.keyUri = uri;
    return this;
  }

  /**
   * X.509 attestation with the private key at {@code keyUri} (in a token) and the chain in {@code
   * chainFile}, or, when that is null, in the token next to the key.
   */
  Device x509(String keyUri, Path chainFile) {
    this.x509 = true;
    this.x509Identity =
        "identity_pk = { uri = \""
            + keyUri
            + "\" }\n"
            + (chainFile == null
                ? ""
                : "identity_cert = { uri = \"" + chainFile.toUri() + "\" }\n");
    return this;
  }

  private void writeKey(String base64) throws IOException {
    Files.writeString(keyFile, base64 + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * The names of the files in the output directory, sorted, without the lock file: a run checks and
   * locks the directory (creating both) before it contacts DPS, so their presence says nothing
   * about what it wrote.
   */
  List<String> outputs() throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return List.of();
    }
    try (Stream<Path> listing = Files.list(outputDir)) {
      return listing
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.equals(".lock"))
          .sorted()
          .toList();
    }
  }

  /** The output file {@code name} (written or not). */
  public Path outputFile(String name) {
    return outputDir.resolve(name);
  }

  /** The {@code connection.json} the last run wrote, through the reader the agent itself uses. */
  ConnectionInfo connection() throws AgentException {
    return ConnectionInfo.read(outputDir.resolve("connection.json"));
  }

  /** Writes config.toml and returns its path as a CLI argument. */
  public String writeConfig() throws IOException {
    String toml =
        "[provisioning]\n"
            + "global_endpoint = \""
            + endpoint
            + "\"\n"
            + "id_scope = \""
            + idScope
            + "\"\n"
            + (trustBundle == null ? "" : "trust_bundle = \"" + trustBundle.toUri() + "\"\n")
            + provisioningKeys
            + "transport = \""
            + transport
            + "\"\n"
            + "[provisioning.attestation]\n"
            + (tpmTable != null
                ? "method = \"tpm\"\n"
                    + (registrationId == null
                        ? ""
                        : "registration_id = \"" + registrationId + "\"\n")
                : x509
                    ? "method = \"x509\"\n" + x509Identity
                    : "method = \"symmetric_key\"\n"
                        + "registration_id = \""
                        + registrationId
                        + "\"\n"
                        + keyKind
                        + " = { uri = \""
                        + (keyUri != null ? keyUri : keyFile.toUri())
                        + "\" }\n")
            + (tpmTable == null ? "" : tpmTable)
            + "[output]\n"
            + "dir = \""
            + outputDir
            + "\"\n"
            + outputKeys
            + extra;
    Files.writeString(configFile, toml);
    return configFile.toString();
  }
}
