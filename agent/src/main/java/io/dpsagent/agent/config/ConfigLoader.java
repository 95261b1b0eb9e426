package io.dpsagent.agent.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.Printable;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmSettings;
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
        output(
            root.table("output")
                .orElse(new Section("output", JsonNodeFactory.instance.objectNode())));
    TpmConfig tpm = tpm(root.table("tpm"));
    CertificateIssuanceSection.checkAgainst(provisioning.certificateIssuance(), tpm.settings());
    CertificateIssuanceSection.refuseRotatingTheAttestationKey(
        provisioning.certificateIssuance(), provisioning.attestation());
    Optional<String> pkcs11Module = pkcs11Module(root.table("pkcs11"));
    HubConfig hub = HubSection.bind(root.table("hub"));
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
    return new AgentConfig(file, provisioning, tpm, pkcs11Module, output, hub);
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
    Optional<String> configuredApiVersion = s.string("api_version");
    String apiVersion = configuredApiVersion.orElse(DEFAULT_API_VERSION);
    if (!API_VERSION.matcher(apiVersion).matches()) {
      throw new InvalidConfigException(
          s.keyName("api_version"),
          Printable.quote(apiVersion) + " is not an API version like 2021-06-01");
    }
    Optional<CertificateIssuance> issuance =
        CertificateIssuanceSection.bind(s.table("certificate_issuance"));
    if (issuance.isPresent()) {
      String issuanceVersion = issuance.get().apiVersion();
      if (configuredApiVersion.filter(v -> !v.equals(issuanceVersion)).isPresent()) {
        throw new InvalidConfigException(
            s.keyName("api_version"),
            "differs from certificate_issuance.api_version "
                + Printable.quote(issuanceVersion)
                + ", which registrations with a CSR use; remove one of them");
      }
      apiVersion = issuanceVersion;
    }
    Optional<Path> trustBundle =
        s.string("trust_bundle").isPresent()
            ? Optional.of(
                ConfigPaths.filePath(s.string("trust_bundle").get(), s.keyName("trust_bundle")))
            : Optional.empty();
    Optional<String> payload = PayloadSection.bind(s.table("payload"));
    Optional<ProxySettings> proxy = proxy(s.string("proxy"), s.keyName("proxy"), endpoint.host());
    AttestationConfig attestation =
        AttestationSection.bind(
            s.table("attestation")
                .orElseThrow(
                    () ->
                        new InvalidConfigException(
                            s.keyName("attestation"),
                            "section is missing; add [provisioning.attestation] with method and registration_id")));
    RetryConfig retry =
        retry(
            s.table("retry")
                .orElse(new Section(s.keyName("retry"), JsonNodeFactory.instance.objectNode())));
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
        reprovision,
        issuance);
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
    if (module.isPresent() && !ConfigPaths.absolute(module.get())) {
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
    Path dir =
        s.string("dir").isPresent() ? ConfigPaths.absolutePath(s, "dir") : DEFAULT_OUTPUT_DIR;
    boolean connectionString = s.bool("connection_string").orElse(true);
    boolean groupReadable = s.bool("group_readable").orElse(false);
    Path tokenDir =
        s.string("token_dir").isPresent()
            ? ConfigPaths.absolutePath(s, "token_dir")
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
}
