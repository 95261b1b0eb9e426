package io.dpsagent.emulator.config;

import static io.dpsagent.emulator.config.ConfigChecks.orEmpty;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.dpsagent.emulator.config.ConfigFile.LinkedHubEntry;
import io.dpsagent.emulator.device.ApiVersionPolicy;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultPlanJson;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.LinkedHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the TOML config file. Every problem becomes a {@link ConfigException} naming the file and
 * the key (e.g. {@code individual_enrollments[1].attestation.primary_key}). Relative paths in the
 * file are resolved against its directory.
 */
final class ConfigFileReader {

  private static final ObjectReader READER =
      TomlMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build()
          .readerFor(ConfigFile.class);

  private final Path file;
  private final ConfigChecks checks;
  private final Set<String> hubNames = new HashSet<>();
  private final EnrollmentEntries enrollments;
  // [emulator] allocation_policy, which enrollments seeded below must be assignable under.
  private Optional<AllocationPolicy> instanceDefault = Optional.empty();

  private ConfigFileReader(Path file) {
    this.file = file;
    this.checks = new ConfigChecks(file);
    this.enrollments = new EnrollmentEntries(checks, hubNames, () -> instanceDefault);
  }

  static EmulatorConfig read(Path file) throws ConfigException {
    ConfigFileReader reader = new ConfigFileReader(file);
    return reader.toConfig(reader.parse());
  }

  private ConfigFile parse() throws ConfigException {
    try {
      return READER.readValue(Files.readAllBytes(file));
    } catch (UnrecognizedPropertyException e) {
      throw checks.problem(keyPath(e), "unknown key");
    } catch (JsonMappingException e) {
      throw checks.problem(keyPath(e), "wrong type or value");
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
    EmulatorConfigBuilder builder = EmulatorConfig.builder();
    if (parsed.emulator() != null) {
      applyEmulatorSection(parsed.emulator(), builder);
    }
    List<LinkedHub> linkedHubs = each(parsed.linkedHubs(), "linked_hubs", this::linkedHub);
    builder.linkedHubs(linkedHubs);
    if (linkedHubs.isEmpty()) {
      hubNames.add(EmulatorConfig.DEFAULT_HUB);
    }
    each(
            parsed.individualEnrollments(),
            "individual_enrollments",
            enrollments::individualEnrollment)
        .forEach(builder::addIndividualEnrollment);
    each(parsed.enrollmentGroups(), "enrollment_groups", enrollments::enrollmentGroup)
        .forEach(builder::addEnrollmentGroup);
    if (parsed.faults() != null) {
      builder.faultPlan(faultPlan(parsed.faults()));
    }
    return builder.build();
  }

  private void applyEmulatorSection(ConfigFile.Emulator section, EmulatorConfigBuilder builder)
      throws ConfigException {
    set("host", section.host(), builder::host);
    set("bind_address", section.bindAddress(), builder::bindAddress);
    set("https_port", section.httpsPort(), builder::httpsPort);
    set("mqtt_port", section.mqttPort(), builder::mqttPort);
    set("hub_mqtt_port", section.hubMqttPort(), builder::hubMqttPort);
    set("mqtt_ws_port", section.mqttWsPort(), builder::mqttWebSocketPort);
    set("mqtt5", section.mqtt5(), name -> builder.mqtt5(Mqtt5Policy.fromWireName(name)));
    set(
        "mqtt_reply_delay_ms",
        section.mqttReplyDelayMs(),
        ms -> builder.mqttReplyDelay(Duration.ofMillis(ms)));
    set("id_scope", section.idScope(), builder::idScope);
    set("retry_after_seconds", section.retryAfterSeconds(), builder::retryAfterSeconds);
    set("polls_before_assignment", section.pollsBeforeAssignment(), builder::pollsBeforeAssignment);
    setSeconds("sas_clock_skew_seconds", section.sasClockSkewSeconds(), builder::sasClockSkew);
    set("strict_api_version", section.strictApiVersion(), builder::strictApiVersion);
    setSeconds(
        "issued_certificate_validity_seconds",
        section.issuedCertificateValiditySeconds(),
        builder::issuedCertificateValidity);
    set(
        "device_api_versions",
        section.deviceApiVersions(),
        name -> builder.deviceApiVersions(ApiVersionPolicy.fromConfigName(name)));
    applyTlsFiles(section, builder);
    applyServiceSettings(section, builder);
  }

  private void applyServiceSettings(ConfigFile.Emulator section, EmulatorConfigBuilder builder)
      throws ConfigException {
    set("service_port", section.servicePort(), builder::servicePort);
    set("service_bind_address", section.serviceBindAddress(), builder::serviceBindAddress);
    set("service_host", section.serviceHost(), builder::serviceHost);
    set(
        "service_put_requires_if_match",
        section.servicePutRequiresIfMatch(),
        builder::servicePutRequiresIfMatch);
    if (section.allocationPolicy() != null) {
      AllocationPolicy policy = checks.allocationPolicy(section.allocationPolicy(), "emulator");
      set("allocation_policy", policy, builder::allocationPolicy);
      instanceDefault = Optional.of(policy);
    }
    setSeconds("webhook_timeout_seconds", section.webhookTimeoutSeconds(), builder::webhookTimeout);
    set(
        "reprovision_same_hub_substatus",
        section.reprovisionSameHubSubstatus(),
        builder::reprovisionSameHubSubstatus);
  }

  // An [emulator] key the file sets goes to its builder setter, which names the key if it refuses.
  private <T> void set(String key, T value, Function<T, EmulatorConfigBuilder> setter)
      throws ConfigException {
    if (value != null) {
      checks.at("emulator." + key, () -> setter.apply(value));
    }
  }

  // A key counting whole seconds.
  private void setSeconds(
      String key, Number seconds, Function<Duration, EmulatorConfigBuilder> setter)
      throws ConfigException {
    set(key, seconds, s -> setter.apply(Duration.ofSeconds(s.longValue())));
  }

  private void applyTlsFiles(ConfigFile.Emulator section, EmulatorConfigBuilder builder)
      throws ConfigException {
    if (section.tlsCertChain() == null && section.tlsKey() == null) {
      return;
    }
    if (section.tlsCertChain() == null || section.tlsKey() == null) {
      String missing = section.tlsKey() == null ? "emulator.tls_key" : "emulator.tls_cert_chain";
      throw checks.problem(missing, "required when the other TLS file is set");
    }
    builder.tlsFiles(
        checks.existingFile(section.tlsCertChain(), "emulator.tls_cert_chain"),
        checks.existingFile(section.tlsKey(), "emulator.tls_key"));
  }

  private FaultPlan faultPlan(JsonNode table) throws ConfigException {
    try {
      return FaultPlanJson.read(table, FaultPlanJson.KeyStyle.SNAKE_CASE, "faults.");
    } catch (FaultPlanJson.InvalidFaultPlanException e) {
      throw checks.problem(e.key(), e.problem());
    }
  }

  private LinkedHub linkedHub(LinkedHubEntry entry, String key) throws ConfigException {
    String hostName = checks.required(entry.hostName(), key + ".host_name");
    int weight = Optional.ofNullable(entry.allocationWeight()).orElse(1);
    int latency = Optional.ofNullable(entry.latencyMs()).orElse(0);
    checks.at(key + ".latency_ms", () -> new LinkedHub(hostName, 1, latency));
    LinkedHub hub =
        checks.at(key + ".allocation_weight", () -> new LinkedHub(hostName, weight, latency));
    checks.requireUnique(hubNames, hostName, key + ".host_name");
    return hub;
  }

  /** Reads one entry of an array of tables, named {@code table[i]} in problems. */
  private interface EntryReader<E, T> {
    T read(E entry, String key) throws ConfigException;
  }

  private static <E, T> List<T> each(List<E> entries, String table, EntryReader<E, T> reader)
      throws ConfigException {
    List<E> present = orEmpty(entries);
    List<T> read = new ArrayList<>();
    for (int i = 0; i < present.size(); i++) {
      read.add(reader.read(present.get(i), table + "[" + i + "]"));
    }
    return read;
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
