package io.dpsagent.agent.config;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.Printable;
import java.nio.file.Path;
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
    OutputConfig output = root.tableOrDefaults("output", OutputSection::bind);
    TpmConfig tpm = root.tableOrDefaults("tpm", TpmSection::bind);
    CertificateIssuanceSection.checkAgainst(provisioning.certificateIssuance(), tpm.settings());
    CertificateIssuanceSection.refuseRotatingTheAttestationKey(
        provisioning.certificateIssuance(), provisioning.attestation());
    Optional<String> pkcs11Module = pkcs11Module(root.table("pkcs11"));
    HubConfig hub = root.tableOrDefaults("hub", HubSection::bind);
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
    Optional<String> payload = s.table("payload", PayloadSection::bind);
    Optional<ProxySettings> proxy = proxy(s.string("proxy"), s.keyName("proxy"), endpoint.host());
    AttestationConfig attestation =
        AttestationSection.bind(
            s.table("attestation")
                .orElseThrow(
                    () ->
                        new InvalidConfigException(
                            s.keyName("attestation"),
                            "section is missing; add [provisioning.attestation] with method and registration_id")));
    RetryConfig retry = s.tableOrDefaults("retry", RetrySection::bind);
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
}
