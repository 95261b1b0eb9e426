package io.dpsagent.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Printable;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and validates the agent's TOML configuration.
 *
 * <p>Every problem is reported as one line naming the file and the dotted key, and the whole file
 * is checked before anything acts on it: nothing is half-configured.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_PATH = Path.of("/etc/dps-agent/config.toml");
  public static final String DEFAULT_GLOBAL_ENDPOINT =
      "https://global.azure-devices-provisioning.net";
  public static final String DEFAULT_API_VERSION = "2021-06-01";
  public static final Path DEFAULT_OUTPUT_DIR = Path.of("/var/lib/dps-agent");

  private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
  private static final Pattern ID_SCOPE = Pattern.compile("[A-Za-z0-9]{1,64}");

  private final TomlMapper toml = new TomlMapper();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, String> environment;

  /** A loader that applies the given environment's overrides (see {@link ConfigSources}). */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** A loader that ignores the environment. */
  public ConfigLoader() {
    this(Map.of());
  }

  /**
   * Loads {@code file}, its drop-ins and environment overrides; every failure is an {@link
   * AgentException} with exit code 2 naming the file or variable that set the bad key.
   */
  public AgentConfig load(Path file) throws AgentException {
    ConfigSources sources = ConfigSources.read(file, environment);
    try {
      return bind(file, new Section("", sources.tree()));
    } catch (InvalidConfigException e) {
      throw AgentException.config("config " + sources.originOf(e.key()) + ": " + e.getMessage());
    }
  }

  private AgentConfig bind(Path file, Section root) throws InvalidConfigException {
    Section provisioningTable =
        root.table("provisioning")
            .orElseThrow(
                () ->
                    new InvalidConfigException(
                        "provisioning",
                        "section is missing; add [provisioning] with id_scope and [provisioning.attestation]"));
    ProvisioningConfig provisioning = provisioning(provisioningTable);
    OutputConfig output =
        output(root.table("output").orElse(new Section("output", toml.createObjectNode())));
    TpmConfig tpm = tpm(root.table("tpm"));
    Optional<String> pkcs11Module = pkcs11Module(root.table("pkcs11"));
    root.rejectUnknownKeys();
    if (provisioning.attestation() instanceof TpmAttestation
        && provisioning.transport() != Transport.HTTPS) {
      throw new InvalidConfigException(
          "provisioning.transport",
          "TPM attestation works over HTTPS only (DPS offers"
              + " no TPM challenge over MQTT); set transport = \"https\"");
    }
    provisioning
        .endpoint()
        .checkServes(
            provisioning.transport(), "provisioning.global_endpoint", "provisioning.transport");
    return new AgentConfig(file, provisioning, tpm, pkcs11Module, output);
  }

  private ProvisioningConfig provisioning(Section s) throws InvalidConfigException {
    String source = s.string("source").orElse("dps");
    if (!source.equals("dps")) {
      throw new InvalidConfigException(
          s.keyName("source"), Printable.quote(source) + " is not supported; use \"dps\"");
    }
    DpsEndpoint endpoint =
        DpsEndpoint.parse(
            s.string("global_endpoint").orElse(DEFAULT_GLOBAL_ENDPOINT),
            s.keyName("global_endpoint"));
    String idScope =
        s.requiredString(
            "id_scope", "set it to the ID scope of your DPS instance, e.g. 0ne00000000");
    if (!ID_SCOPE.matcher(idScope).matches()) {
      throw new InvalidConfigException(
          s.keyName("id_scope"),
          Printable.quote(idScope)
              + " is not an ID scope; it is letters and digits, e.g. 0ne00000000");
    }
    Transport transport =
        Transport.fromConfig(s.string("transport").orElse("https"), s.keyName("transport"));
    String apiVersion = s.string("api_version").orElse(DEFAULT_API_VERSION);
    if (!API_VERSION.matcher(apiVersion).matches()) {
      throw new InvalidConfigException(
          s.keyName("api_version"),
          Printable.quote(apiVersion) + " is not an API version like 2021-06-01");
    }
    Optional<Path> trustBundle =
        s.string("trust_bundle").isPresent()
            ? Optional.of(filePath(s.string("trust_bundle").get(), s.keyName("trust_bundle")))
            : Optional.empty();
    Optional<String> payload = payload(s.table("payload"));
    Optional<ProxySettings> proxy = proxy(s.string("proxy"), s.keyName("proxy"), endpoint.host());
    AttestationConfig attestation =
        attestation(
            s.table("attestation")
                .orElseThrow(
                    () ->
                        new InvalidConfigException(
                            s.keyName("attestation"),
                            "section is missing; add [provisioning.attestation] with method and registration_id")));
    RetryConfig retry =
        retry(s.table("retry").orElse(new Section(s.keyName("retry"), toml.createObjectNode())));
    ReprovisionPolicy reprovision =
        ReprovisionPolicy.fromConfig(
            s.string("reprovision").orElse(ReprovisionPolicy.ON_CHANGE.configName()),
            s.keyName("reprovision"));
    s.rejectUnknownKeys();
    return new ProvisioningConfig(
        endpoint,
        idScope,
        transport,
        apiVersion,
        trustBundle,
        payload,
        proxy,
        attestation,
        retry,
        reprovision);
  }

  private AttestationConfig attestation(Section s) throws InvalidConfigException {
    String method = s.requiredString("method", "use \"symmetric_key\", \"x509\" or \"tpm\"");
    AttestationConfig attestation;
    switch (method) {
      case "symmetric_key":
        attestation = symmetricKey(s);
        break;
      case "x509":
        attestation = x509(s);
        break;
      case "tpm":
        Optional<String> registrationId = s.string("registration_id");
        if (registrationId.isPresent()) {
          registrationId(s, registrationId.get());
        }
        attestation = new TpmAttestation(registrationId);
        break;
      default:
        throw new InvalidConfigException(
            s.keyName("method"),
            Printable.quote(method)
                + " is not supported; use \"symmetric_key\", \"x509\" or \"tpm\"");
    }
    s.rejectUnknownKeys();
    return attestation;
  }

  private SymmetricKeyAttestation symmetricKey(Section s) throws InvalidConfigException {
    String registrationId =
        registrationId(s, s.requiredString("registration_id", "set the device's registration ID"));
    Optional<KeyUri> deviceKey = keyReference(s.table("symmetric_key"), true);
    Optional<KeyUri> groupKey = keyReference(s.table("group_key"), true);
    rejectTpmKey(s, "symmetric_key", deviceKey, "a symmetric key is a file:/// or pkcs11: URI");
    rejectTpmKey(s, "group_key", groupKey, "a symmetric key is a file:/// or pkcs11: URI");
    if (deviceKey.isPresent() == groupKey.isPresent()) {
      throw new InvalidConfigException(
          s.keyName("symmetric_key"),
          "set exactly one of symmetric_key = { uri = \"file:///...\" } or group_key = { uri = \"file:///...\" }");
    }
    long ttl = s.integer("sas_ttl_seconds", 60, 86_400).orElse(3600L);
    return new SymmetricKeyAttestation(
        registrationId, deviceKey.orElseGet(groupKey::get), groupKey.isPresent(), ttl);
  }

  private X509Attestation x509(Section s) throws InvalidConfigException {
    Optional<String> registrationId = s.string("registration_id");
    if (registrationId.isPresent()) {
      registrationId(s, registrationId.get());
    }
    Optional<KeyUri> cert = keyReference(s.table("identity_cert"), true);
    Optional<KeyUri> key = keyReference(s.table("identity_pk"), true);
    rejectTpmKey(s, "identity_cert", cert, "name the PEM chain issued for the key, file:///...");
    Optional<Section> p12 = s.table("identity_pkcs12");
    if (p12.isPresent() == (cert.isPresent() || key.isPresent())) {
      throw new InvalidConfigException(
          s.keyName("identity_cert"),
          "set identity_cert and identity_pk (PEM files), or identity_pkcs12 = { uri = ..., password_uri = ... }");
    }
    if (p12.isPresent()) {
      Section t = p12.get();
      KeyUri bundle =
          fileUri(
              t, "uri", "name the PKCS#12 file, e.g. uri = \"file:///etc/dps-agent/device.p12\"");
      KeyUri password =
          fileUri(
              t,
              "password_uri",
              "name the file holding its password, e.g. password_uri = \"file:///etc/dps-agent/device.p12.pass\"");
      t.rejectUnknownKeys();
      return new X509Attestation(registrationId, new X509Attestation.Pkcs12File(bundle, password));
    }
    if (key.isPresent() && key.get().keepsCertificates()) {
      return new X509Attestation(registrationId, new X509Attestation.TokenKey(key.get(), cert));
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new InvalidConfigException(
          s.keyName(cert.isEmpty() ? "identity_cert" : "identity_pk"),
          "is missing; X.509 needs both identity_cert (PEM chain) and identity_pk (private key)");
    }
    if (!cert.get().isFile()) {
      throw new InvalidConfigException(
          s.keyName("identity_cert"),
          "a certificate from a PKCS#11 token goes with a private key in that token (identity_pk = { uri = \"pkcs11:...\" })");
    }
    return new X509Attestation(registrationId, new X509Attestation.PemFiles(cert.get(), key.get()));
  }

  private static String registrationId(Section s, String registrationId)
      throws InvalidConfigException {
    try {
      RegistrationId.validate(registrationId);
      return registrationId;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(s.keyName("registration_id"), e.getMessage());
    }
  }

  /** A {@code tpm:} key signs TLS handshakes (identity_pk); it is no symmetric key nor chain. */
  private static void rejectTpmKey(Section s, String key, Optional<KeyUri> uri, String fix)
      throws InvalidConfigException {
    if (uri.filter(u -> u.scheme() == KeyUri.Scheme.TPM).isPresent()) {
      throw new InvalidConfigException(
          s.keyName(key), "a tpm: URI names an X.509 key (identity_pk); " + fix);
    }
  }

  private Optional<KeyUri> keyReference(Optional<Section> table, boolean tokenAllowed)
      throws InvalidConfigException {
    if (table.isEmpty()) {
      return Optional.empty();
    }
    Section s = table.get();
    KeyUri key =
        keyUri(
            s,
            "uri",
            "name the key, e.g. uri = \"file:///etc/dps-agent/device.key\" or \"pkcs11:...\"",
            tokenAllowed);
    s.rejectUnknownKeys();
    return Optional.of(key);
  }

  /** A required {@code file:} reference. */
  private static KeyUri fileUri(Section s, String key, String hint) throws InvalidConfigException {
    return keyUri(s, key, hint, false);
  }

  /** A required key reference: {@code file:}, or also {@code pkcs11:} where a token may hold it. */
  private static KeyUri keyUri(Section s, String key, String hint, boolean tokenAllowed)
      throws InvalidConfigException {
    String uri = s.requiredString(key, hint);
    KeyUri parsed;
    try {
      parsed = KeyUri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(s.keyName(key), e.getMessage());
    }
    if (!parsed.isFile() && !tokenAllowed) {
      throw new InvalidConfigException(
          s.keyName(key), Printable.quote(String.valueOf(parsed)) + " must be a file:/// URI");
    }
    return parsed;
  }

  private Optional<ProxySettings> proxy(Optional<String> configured, String key, String targetHost)
      throws InvalidConfigException {
    try {
      return ProxySettings.resolve(configured, environment, targetHost);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          configured.isPresent()
              ? key
              : ProxySettings.environmentVariable(environment).orElse("https_proxy")
                  + " (environment)",
          e.getMessage());
    }
  }

  private Optional<String> payload(Optional<Section> table) throws InvalidConfigException {
    if (table.isEmpty()) {
      return Optional.empty();
    }
    Section s = table.get();
    Optional<String> uri = s.string("uri");
    Optional<String> inline = s.string("json");
    s.rejectUnknownKeys();
    if (uri.isPresent() == inline.isPresent()) {
      throw new InvalidConfigException(
          s.keyName("uri"), "set exactly one of uri = \"file:///...\" or json = '{...}'");
    }
    String key = uri.isPresent() ? s.keyName("uri") : s.keyName("json");
    String text =
        inline.isPresent() ? inline.get() : readPayloadFile(filePath(uri.get(), key), key);
    try {
      JsonNode node = json.readTree(text);
      if (node == null || !node.isObject()) {
        throw new InvalidConfigException(key, "the payload must be a JSON object");
      }
      return Optional.of(json.writeValueAsString(node));
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

  private RetryConfig retry(Section s) throws InvalidConfigException {
    RetryConfig retry =
        new RetryConfig(
            s.integer("max_attempts", 1, 100).orElse(10L).intValue(),
            Duration.ofSeconds(s.integer("max_elapsed_seconds", 1, 86_400).orElse(300L)),
            Duration.ofMillis(s.integer("initial_backoff_ms", 1, 600_000).orElse(2000L)),
            Duration.ofSeconds(s.integer("max_backoff_seconds", 1, 3600).orElse(60L)),
            Duration.ofSeconds(s.integer("retry_after_min_seconds", 0, 3600).orElse(1L)),
            Duration.ofSeconds(s.integer("poll_interval_seconds", 1, 3600).orElse(2L)),
            Duration.ofSeconds(s.integer("connect_timeout_seconds", 1, 600).orElse(10L)),
            Duration.ofSeconds(s.integer("request_timeout_seconds", 1, 600).orElse(30L)));
    // Still accepted so that old configs load, but no longer obeyed: cutting a Retry-After short
    // made the agent retry before DPS allowed it, which prolongs the throttling.
    s.integer("retry_after_max_seconds", 1, 3600);
    s.rejectUnknownKeys();
    return retry;
  }

  private static Optional<String> pkcs11Module(Optional<Section> table)
      throws InvalidConfigException {
    if (table.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> module = table.get().string("module");
    if (module.isPresent() && !absolute(module.get())) {
      throw new InvalidConfigException(
          table.get().keyName("module"),
          Printable.quote(module.get()) + " must be an absolute path");
    }
    table.get().rejectUnknownKeys();
    return module;
  }

  private TpmConfig tpm(Optional<Section> table) throws InvalidConfigException {
    if (table.isEmpty()) {
      return TpmConfig.defaults();
    }
    Section s = table.get();
    TctiSpec tcti;
    try {
      tcti = TctiSpec.parse(s.string("tcti").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          s.keyName("tcti"),
          e.getMessage()
              + "; use e.g. \"device:/dev/tpmrm0\" or \"swtpm:host=127.0.0.1,port=2321\"");
    }
    TpmSettings settings = TpmSettings.defaults();
    Optional<Long> index = s.integer("auth_key_index", 0, 0x7FFFFF);
    if (index.isPresent()) {
      try {
        settings = settings.withAuthKeyIndex(index.get().intValue());
      } catch (IllegalArgumentException e) {
        // The identity key's handle (0x81000000 + index) may not be the EK's or the SRK's.
        throw new InvalidConfigException(
            s.keyName("auth_key_index"),
            e.getMessage()
                + "; choose another index (the default, 0x100, puts the key at 0x81000100)");
      }
    }
    Optional<Section> auth = s.table("hierarchy_authorization");
    if (auth.isPresent()) {
      Optional<String> endorsement = auth.get().string("endorsement");
      Optional<String> owner = auth.get().string("owner");
      auth.get().rejectUnknownKeys();
      if (endorsement.isPresent()) {
        settings =
            settings.withEndorsementAuth(
                endorsement.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      if (owner.isPresent()) {
        settings =
            settings.withOwnerAuth(owner.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    s.rejectUnknownKeys();
    return new TpmConfig(tcti, settings);
  }

  private OutputConfig output(Section s) throws InvalidConfigException {
    Path dir = s.string("dir").isPresent() ? absolutePath(s, "dir") : DEFAULT_OUTPUT_DIR;
    boolean connectionString = s.bool("connection_string").orElse(true);
    boolean groupReadable = s.bool("group_readable").orElse(false);
    Path tokenDir =
        s.string("token_dir").isPresent()
            ? absolutePath(s, "token_dir")
            : OutputConfig.DEFAULT_TOKEN_DIR;
    Optional<String> tokenGroup = s.string("token_group");
    Duration tokenTtl = Duration.ofSeconds(s.integer("token_ttl_seconds", 2, 86_400).orElse(3600L));
    boolean envFile = s.bool("env_file").orElse(false);
    Optional<PostProvisionHook> hook = hook(s.table("post_provision_hook"));
    s.rejectUnknownKeys();
    return new OutputConfig(
        dir, connectionString, groupReadable, tokenDir, tokenGroup, tokenTtl, envFile, hook);
  }

  private static Optional<PostProvisionHook> hook(Optional<Section> table)
      throws InvalidConfigException {
    if (table.isEmpty()) {
      return Optional.empty();
    }
    Section s = table.get();
    List<String> command =
        s.strings("command")
            .orElseThrow(
                () ->
                    new InvalidConfigException(
                        s.keyName("command"),
                        "is missing; give the program and its arguments, e.g. command = [\"/usr/bin/systemctl\", \"restart\","
                            + " \"my-app\"]"));
    if (!command.get(0).startsWith("/")) {
      throw new InvalidConfigException(
          s.keyName("command"),
          "the program must be an absolute path (no shell, no PATH"
              + " search), e.g. \"/usr/bin/systemctl\"");
    }
    Duration timeout = Duration.ofSeconds(s.integer("timeout_seconds", 1, 3600).orElse(30L));
    s.rejectUnknownKeys();
    return Optional.of(new PostProvisionHook(command, timeout));
  }

  private static boolean absolute(String path) {
    try {
      return Path.of(path).isAbsolute();
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** The absolute path {@code key} names; a NUL byte or a relative path is a config error. */
  private static Path absolutePath(Section s, String key) throws InvalidConfigException {
    String value = s.string(key).orElseThrow();
    if (!absolute(value)) {
      throw new InvalidConfigException(
          s.keyName(key), Printable.quote(value) + " must be an absolute path");
    }
    return Path.of(value);
  }

  /** Accepts {@code file:///abs/path} or a plain absolute path for non-secret files. */
  private static Path filePath(String value, String key) throws InvalidConfigException {
    try {
      Path path = value.startsWith("file:") ? KeyUri.parse(value).path() : Path.of(value);
      if (!path.isAbsolute()) {
        throw new InvalidConfigException(
            key, Printable.quote(value) + " must be an absolute path or file:/// URI");
      }
      return path;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key, e.getMessage());
    }
  }
}
