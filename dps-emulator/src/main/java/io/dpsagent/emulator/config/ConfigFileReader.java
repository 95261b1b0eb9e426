package io.dpsagent.emulator.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.dpsagent.emulator.config.ConfigFile.AttestationEntry;
import io.dpsagent.emulator.config.ConfigFile.CustomAllocationEntry;
import io.dpsagent.emulator.config.ConfigFile.EnrollmentGroupEntry;
import io.dpsagent.emulator.config.ConfigFile.IndividualEnrollmentEntry;
import io.dpsagent.emulator.config.ConfigFile.LinkedHubEntry;
import io.dpsagent.emulator.config.ConfigFile.ReprovisionPolicyEntry;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.CustomAllocation;
import io.dpsagent.emulator.registry.DeviceIds;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.registry.X509Mechanism;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the TOML config file. Every problem becomes a {@link ConfigException} naming the file and
 * the key (e.g. {@code individual_enrollments[1].attestation.primary_key}). Relative paths in the
 * file are resolved against its directory.
 */
final class ConfigFileReader {

  private static final String SYMMETRIC_KEY = "symmetric_key";
  private static final String X509 = "x509";
  private static final String TPM = "tpm";
  private static final ObjectReader READER =
      TomlMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build()
          .readerFor(ConfigFile.class);

  private final Path file;
  private final Set<String> hubNames = new HashSet<>();

  private ConfigFileReader(Path file) {
    this.file = file;
  }

  static EmulatorConfig read(Path file) throws ConfigException {
    ConfigFileReader reader = new ConfigFileReader(file);
    return reader.toConfig(reader.parse());
  }

  private ConfigFile parse() throws ConfigException {
    try {
      return READER.readValue(Files.readAllBytes(file));
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(file, keyPath(e), "unknown key");
    } catch (JsonMappingException e) {
      throw new ConfigException(file, keyPath(e), "wrong type or value");
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the offending text, which may be a key.
      throw new ConfigException(file, "invalid TOML " + position(e.getLocation()));
    } catch (NoSuchFileException e) {
      throw new ConfigException(file, "cannot read: no such file");
    } catch (IOException e) {
      throw new ConfigException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  private EmulatorConfig toConfig(ConfigFile parsed) throws ConfigException {
    EmulatorConfig.Builder builder = EmulatorConfig.builder();
    if (parsed.emulator() != null) {
      applyEmulatorSection(parsed.emulator(), builder);
    }
    List<LinkedHubEntry> hubs = orEmpty(parsed.linkedHubs());
    for (int i = 0; i < hubs.size(); i++) {
      builder.addLinkedHub(linkedHub(hubs.get(i), "linked_hubs[" + i + "]"));
    }
    if (hubs.isEmpty()) {
      hubNames.add(EmulatorConfig.DEFAULT_HUB);
    }
    List<IndividualEnrollmentEntry> individuals = orEmpty(parsed.individualEnrollments());
    Set<String> registrationIds = new HashSet<>();
    for (int i = 0; i < individuals.size(); i++) {
      String key = "individual_enrollments[" + i + "]";
      IndividualEnrollment enrollment = individualEnrollment(individuals.get(i), key);
      requireUnique(registrationIds, enrollment.registrationId(), key + ".registration_id");
      builder.addIndividualEnrollment(enrollment);
    }
    List<EnrollmentGroupEntry> groups = orEmpty(parsed.enrollmentGroups());
    Set<String> groupIds = new HashSet<>();
    for (int i = 0; i < groups.size(); i++) {
      String key = "enrollment_groups[" + i + "]";
      EnrollmentGroup group = enrollmentGroup(groups.get(i), key);
      requireUnique(groupIds, group.id(), key + ".enrollment_group_id");
      builder.addEnrollmentGroup(group);
    }
    return builder.build();
  }

  private void applyEmulatorSection(ConfigFile.Emulator section, EmulatorConfig.Builder builder)
      throws ConfigException {
    if (section.host() != null) {
      at("emulator.host", () -> builder.host(section.host()));
    }
    if (section.bindAddress() != null) {
      at("emulator.bind_address", () -> builder.bindAddress(section.bindAddress()));
    }
    if (section.httpsPort() != null) {
      at("emulator.https_port", () -> builder.httpsPort(section.httpsPort()));
    }
    if (section.mqttPort() != null) {
      at("emulator.mqtt_port", () -> builder.mqttPort(section.mqttPort()));
    }
    if (section.mqttWsPort() != null) {
      at("emulator.mqtt_ws_port", () -> builder.mqttWebSocketPort(section.mqttWsPort()));
    }
    if (section.mqtt5() != null) {
      at("emulator.mqtt5", () -> builder.mqtt5(Mqtt5Policy.fromWireName(section.mqtt5())));
    }
    if (section.mqttReplyDelayMs() != null) {
      at(
          "emulator.mqtt_reply_delay_ms",
          () -> builder.mqttReplyDelay(Duration.ofMillis(section.mqttReplyDelayMs())));
    }
    if (section.idScope() != null) {
      at("emulator.id_scope", () -> builder.idScope(section.idScope()));
    }
    if (section.retryAfterSeconds() != null) {
      at(
          "emulator.retry_after_seconds",
          () -> builder.retryAfterSeconds(section.retryAfterSeconds()));
    }
    if (section.pollsBeforeAssignment() != null) {
      at(
          "emulator.polls_before_assignment",
          () -> builder.pollsBeforeAssignment(section.pollsBeforeAssignment()));
    }
    if (section.sasClockSkewSeconds() != null) {
      at(
          "emulator.sas_clock_skew_seconds",
          () -> builder.sasClockSkew(Duration.ofSeconds(section.sasClockSkewSeconds())));
    }
    if (section.strictApiVersion() != null) {
      builder.strictApiVersion(section.strictApiVersion());
    }
    applyTlsFiles(section, builder);
    applyServiceSettings(section, builder);
  }

  private void applyServiceSettings(ConfigFile.Emulator section, EmulatorConfig.Builder builder)
      throws ConfigException {
    if (section.servicePort() != null) {
      at("emulator.service_port", () -> builder.servicePort(section.servicePort()));
    }
    if (section.serviceBindAddress() != null) {
      at(
          "emulator.service_bind_address",
          () -> builder.serviceBindAddress(section.serviceBindAddress()));
    }
    if (section.serviceHost() != null) {
      at("emulator.service_host", () -> builder.serviceHost(section.serviceHost()));
    }
    if (section.allocationPolicy() != null) {
      AllocationPolicy policy = allocationPolicy(section.allocationPolicy(), "emulator");
      at("emulator.allocation_policy", () -> builder.allocationPolicy(policy));
    }
    if (section.webhookTimeoutSeconds() != null) {
      at(
          "emulator.webhook_timeout_seconds",
          () -> builder.webhookTimeout(Duration.ofSeconds(section.webhookTimeoutSeconds())));
    }
    if (section.reprovisionSameHubSubstatus() != null) {
      at(
          "emulator.reprovision_same_hub_substatus",
          () -> builder.reprovisionSameHubSubstatus(section.reprovisionSameHubSubstatus()));
    }
  }

  private void applyTlsFiles(ConfigFile.Emulator section, EmulatorConfig.Builder builder)
      throws ConfigException {
    if (section.tlsCertChain() == null && section.tlsKey() == null) {
      return;
    }
    if (section.tlsCertChain() == null || section.tlsKey() == null) {
      String missing = section.tlsKey() == null ? "emulator.tls_key" : "emulator.tls_cert_chain";
      throw new ConfigException(file, missing, "required when the other TLS file is set");
    }
    builder.tlsFiles(
        existingFile(section.tlsCertChain(), "emulator.tls_cert_chain"),
        existingFile(section.tlsKey(), "emulator.tls_key"));
  }

  private LinkedHub linkedHub(LinkedHubEntry entry, String key) throws ConfigException {
    String hostName = required(entry.hostName(), key + ".host_name");
    int weight = Optional.ofNullable(entry.allocationWeight()).orElse(1);
    int latency = Optional.ofNullable(entry.latencyMs()).orElse(0);
    at(key + ".latency_ms", () -> new LinkedHub(hostName, 1, latency));
    LinkedHub hub = at(key + ".allocation_weight", () -> new LinkedHub(hostName, weight, latency));
    requireUnique(hubNames, hostName, key + ".host_name");
    return hub;
  }

  private IndividualEnrollment individualEnrollment(IndividualEnrollmentEntry entry, String key)
      throws ConfigException {
    String registrationId = required(entry.registrationId(), key + ".registration_id");
    Attestation attestation = attestation(entry.attestation(), key + ".attestation", false);
    Optional<String> deviceId = Optional.ofNullable(entry.deviceId());
    if (deviceId.isPresent() && deviceId.get().isBlank()) {
      throw new ConfigException(file, key + ".device_id", "is empty");
    }
    if (deviceId.isPresent() && !DeviceIds.isValid(deviceId.get())) {
      throw new ConfigException(
          file,
          key + ".device_id",
          "must be 1 to 128 of A-Z a-z 0-9 - . + % _ # * ? ! ( ) , : = @ $ '");
    }
    ProvisioningStatus status = provisioningStatus(entry.provisioningStatus(), key);
    List<String> hubs = iotHubs(entry.iotHubs(), key);
    EnrollmentOptions options =
        options(
            entry.allocationPolicy(),
            entry.customAllocation(),
            entry.reprovisionPolicy(),
            entry.initialTwin(),
            key);
    IndividualEnrollment enrollment =
        at(
            key + ".registration_id",
            () ->
                new IndividualEnrollment(
                    registrationId, deviceId, attestation, status, hubs, options));
    return checkAllocationRules(enrollment, key);
  }

  private EnrollmentGroup enrollmentGroup(EnrollmentGroupEntry entry, String key)
      throws ConfigException {
    String id = required(entry.enrollmentGroupId(), key + ".enrollment_group_id");
    Attestation attestation = attestation(entry.attestation(), key + ".attestation", true);
    EnrollmentOptions options =
        options(
            entry.allocationPolicy(),
            entry.customAllocation(),
            entry.reprovisionPolicy(),
            entry.initialTwin(),
            key);
    EnrollmentGroup group =
        new EnrollmentGroup(
            id,
            attestation,
            provisioningStatus(entry.provisioningStatus(), key),
            iotHubs(entry.iotHubs(), key),
            options);
    return checkAllocationRules(group, key);
  }

  private EnrollmentOptions options(
      String policyName,
      CustomAllocationEntry custom,
      ReprovisionPolicyEntry reprovision,
      JsonNode initialTwin,
      String key)
      throws ConfigException {
    Optional<AllocationPolicy> policy =
        policyName == null ? Optional.empty() : Optional.of(allocationPolicy(policyName, key));
    Optional<CustomAllocation> webhook = Optional.empty();
    if (custom != null) {
      String url = required(custom.webhookUrl(), key + ".custom_allocation.webhook_url");
      webhook =
          Optional.of(
              at(
                  key + ".custom_allocation.webhook_url",
                  () -> CustomAllocation.of(url, custom.apiVersion())));
      // A webhook alone means the custom policy.
      policy = policy.or(() -> Optional.of(AllocationPolicy.CUSTOM));
    }
    EnrollmentReprovisionPolicy reprovisionPolicy =
        reprovision == null
            ? EnrollmentReprovisionPolicy.DEFAULT
            : new EnrollmentReprovisionPolicy(
                Optional.ofNullable(reprovision.updateHubAssignment()).orElse(true),
                Optional.ofNullable(reprovision.migrateDeviceData()).orElse(true));
    if (initialTwin != null && !initialTwin.isObject()) {
      throw new ConfigException(file, key + ".initial_twin", "must be a table");
    }
    return new EnrollmentOptions(
        policy, webhook, reprovisionPolicy, Optional.ofNullable(initialTwin), false);
  }

  private AllocationPolicy allocationPolicy(String name, String key) throws ConfigException {
    return at(key + ".allocation_policy", () -> AllocationPolicy.fromName(name));
  }

  private <T extends Enrollment> T checkAllocationRules(T enrollment, String key)
      throws ConfigException {
    String problemKey =
        enrollment.options().allocationPolicy().orElse(null) == AllocationPolicy.CUSTOM
            ? key + ".custom_allocation"
            : key + ".iot_hubs";
    at(
        problemKey,
        () -> {
          enrollment.checkAllocationRules();
          return enrollment;
        });
    return enrollment;
  }

  private Attestation attestation(AttestationEntry entry, String key, boolean group)
      throws ConfigException {
    if (entry == null) {
      throw new ConfigException(file, key, "is required");
    }
    String type = required(entry.type(), key + ".type");
    return switch (type) {
      case SYMMETRIC_KEY -> symmetricKey(entry, key);
      case X509 -> x509(entry, key);
      case TPM -> {
        if (group) {
          throw new ConfigException(
              file, key + ".type", "\"tpm\" is for individual enrollments only, not for groups");
        }
        yield tpm(entry, key);
      }
      default ->
          throw new ConfigException(
              file, key + ".type", "unsupported; must be \"symmetric_key\", \"x509\" or \"tpm\"");
    };
  }

  private SymmetricKeyMechanism symmetricKey(AttestationEntry entry, String key)
      throws ConfigException {
    forbid(entry.certificate(), key + ".certificate", SYMMETRIC_KEY);
    forbid(entry.secondaryCertificate(), key + ".secondary_certificate", SYMMETRIC_KEY);
    forbidTpmKeys(entry, key, SYMMETRIC_KEY);
    String primary = required(entry.primaryKey(), key + ".primary_key");
    at(key + ".primary_key", () -> SymmetricKeyMechanism.ofBase64(primary, null));
    return at(
        key + ".secondary_key",
        () -> SymmetricKeyMechanism.ofBase64(primary, entry.secondaryKey()));
  }

  private X509Mechanism x509(AttestationEntry entry, String key) throws ConfigException {
    forbid(entry.primaryKey(), key + ".primary_key", X509);
    forbid(entry.secondaryKey(), key + ".secondary_key", X509);
    forbidTpmKeys(entry, key, X509);
    String primaryKey = key + ".certificate";
    X509Certificate primary = certificate(required(entry.certificate(), primaryKey), primaryKey);
    Optional<X509Certificate> secondary = Optional.empty();
    if (entry.secondaryCertificate() != null) {
      String secondaryKey = key + ".secondary_certificate";
      secondary = Optional.of(certificate(entry.secondaryCertificate(), secondaryKey));
    }
    return new X509Mechanism(primary, secondary);
  }

  private TpmMechanism tpm(AttestationEntry entry, String key) throws ConfigException {
    forbid(entry.primaryKey(), key + ".primary_key", TPM);
    forbid(entry.secondaryKey(), key + ".secondary_key", TPM);
    forbid(entry.certificate(), key + ".certificate", TPM);
    forbid(entry.secondaryCertificate(), key + ".secondary_certificate", TPM);
    String ekKey = key + ".endorsement_key";
    byte[] endorsementKey = base64(required(entry.endorsementKey(), ekKey), ekKey);
    byte[] storageRootKey =
        entry.storageRootKey() == null
            ? null
            : base64(entry.storageRootKey(), key + ".storage_root_key");
    return at(ekKey, () -> new TpmMechanism(endorsementKey, storageRootKey));
  }

  private void forbidTpmKeys(AttestationEntry entry, String key, String type)
      throws ConfigException {
    forbid(entry.endorsementKey(), key + ".endorsement_key", type);
    forbid(entry.storageRootKey(), key + ".storage_root_key", type);
  }

  private byte[] base64(String text, String key) throws ConfigException {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, key, "is not base64");
    }
  }

  /** The first certificate of a PEM file. */
  private X509Certificate certificate(String name, String key) throws ConfigException {
    Path path = existingFile(name, key);
    try {
      return Pem.requireCertificates(path).get(0);
    } catch (IOException e) {
      throw new ConfigException(file, key, e.getMessage());
    }
  }

  private void forbid(String value, String key, String type) throws ConfigException {
    if (value != null) {
      throw new ConfigException(file, key, "not allowed for type \"" + type + "\"");
    }
  }

  private ProvisioningStatus provisioningStatus(String text, String key) throws ConfigException {
    if (text == null) {
      return ProvisioningStatus.ENABLED;
    }
    return at(key + ".provisioning_status", () -> ProvisioningStatus.fromWireName(text));
  }

  // Enrollments may only name hubs that are linked, as in DPS.
  private List<String> iotHubs(List<String> names, String key) throws ConfigException {
    List<String> hubs = orEmpty(names);
    for (int i = 0; i < hubs.size(); i++) {
      if (!hubNames.contains(hubs.get(i).toLowerCase(Locale.ROOT))) {
        throw new ConfigException(file, key + ".iot_hubs[" + i + "]", "is not a linked hub");
      }
    }
    return hubs;
  }

  private Path existingFile(String name, String key) throws ConfigException {
    Path path = file.toAbsolutePath().getParent().resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(file, key, "no such file: " + path);
    }
    return path;
  }

  private void requireUnique(Set<String> seen, String value, String key) throws ConfigException {
    if (!seen.add(value.toLowerCase(Locale.ROOT))) {
      throw new ConfigException(file, key, "duplicate \"" + value + "\"");
    }
  }

  private String required(String value, String key) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw new ConfigException(file, key, "is required");
    }
    return value;
  }

  /** Runs one conversion step, naming {@code key} if it rejects its input. */
  private <T> T at(String key, Supplier<T> step) throws ConfigException {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, key, e.getMessage());
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String keyPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "(top level)" : path.toString();
  }

  private static String position(JsonLocation location) {
    return location == null
        ? ""
        : "at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
