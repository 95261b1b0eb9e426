package io.dpsagent.emulator.config;

import io.dpsagent.emulator.allocation.AssignmentSettings;
import io.dpsagent.emulator.config.EmulatorConfig.Allocation;
import io.dpsagent.emulator.config.EmulatorConfig.DeviceListeners;
import io.dpsagent.emulator.config.EmulatorConfig.InstanceSeed;
import io.dpsagent.emulator.config.EmulatorConfig.ServiceListener;
import io.dpsagent.emulator.config.EmulatorConfig.TlsFiles;
import io.dpsagent.emulator.device.ApiVersionPolicy;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.ProtocolSettings;
import io.dpsagent.emulator.issuance.CertificateIssuer;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IdScopes;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds an {@link EmulatorConfig} one value at a time, as tests and the config file reader set
 * them; every setter checks its argument at once, so that the reader can name the key it came from.
 *
 * <p>It is as long as the emulator has settings: one short checked setter each, grouped as the
 * config file's sections, so that a new setting is one method here and one line in the reader.
 */
public final class EmulatorConfigBuilder {
  private String host = "localhost";
  private String bindAddress = "127.0.0.1";
  private int httpsPort;
  private int mqttPort;
  private OptionalInt mqttWebSocketPort = OptionalInt.empty();
  private Mqtt5Policy mqtt5 = Mqtt5Policy.REJECT;
  private Duration mqttReplyDelay = Duration.ZERO;
  private int servicePort;
  private Optional<String> serviceBindAddress = Optional.empty();
  private Optional<String> serviceHost = Optional.empty();
  private boolean replaceNeedsIfMatch = true;
  private Optional<TlsFiles> tlsFiles = Optional.empty();
  private int retryAfterSeconds = ProtocolSettings.defaults().retryAfterSeconds();
  private int pollsBeforeAssignment = ProtocolSettings.defaults().pollsBeforeAssignment();
  private Duration sasClockSkew = ProtocolSettings.defaults().sasClockSkew();
  private boolean strictApiVersion = ProtocolSettings.defaults().strictApiVersion();
  private ApiVersionPolicy apiVersions = ProtocolSettings.defaults().apiVersions();
  private AllocationPolicy allocationPolicy = AllocationPolicy.HASHED;
  private AssignmentSettings assignment = AssignmentSettings.defaults();
  private FaultPlan faultPlan = FaultPlan.NONE;
  private Optional<String> idScope = Optional.empty();
  private final List<LinkedHub> linkedHubs = new ArrayList<>();
  private final List<IndividualEnrollment> individualEnrollments = new ArrayList<>();
  private final List<EnrollmentGroup> enrollmentGroups = new ArrayList<>();
  private Optional<Path> stateDirectory = Optional.empty();
  private int hubMqttPort;
  private Duration issuedCertificateValidity = CertificateIssuer.DEFAULT_VALIDITY;

  EmulatorConfigBuilder() {}

  EmulatorConfigBuilder(EmulatorConfig config) {
    DeviceListeners devices = config.devices();
    host = devices.host();
    bindAddress = devices.bindAddress();
    httpsPort = devices.httpsPort();
    mqttPort = devices.mqttPort();
    mqttWebSocketPort = devices.mqttWebSocketPort();
    mqtt5 = devices.mqtt5();
    mqttReplyDelay = devices.mqttReplyDelay();
    servicePort = config.service().port();
    serviceBindAddress = config.service().bindAddress();
    serviceHost = config.service().host();
    replaceNeedsIfMatch = config.service().replaceNeedsIfMatch();
    hubMqttPort = config.hubs().mqttPort();
    tlsFiles = config.tlsFiles();
    retryAfterSeconds = config.protocol().retryAfterSeconds();
    pollsBeforeAssignment = config.protocol().pollsBeforeAssignment();
    sasClockSkew = config.protocol().sasClockSkew();
    strictApiVersion = config.protocol().strictApiVersion();
    apiVersions = config.protocol().apiVersions();
    allocationPolicy = config.allocation().defaultPolicy();
    assignment = config.allocation().assignment();
    faultPlan = config.faults();
    idScope = config.seed().idScope();
    linkedHubs.addAll(config.seed().linkedHubs());
    individualEnrollments.addAll(config.seed().individualEnrollments());
    enrollmentGroups.addAll(config.seed().enrollmentGroups());
    stateDirectory = config.stateDirectory();
    issuedCertificateValidity = config.issuance().validity();
  }

  /**
   * @throws IllegalArgumentException if a seeded enrollment could never be assigned under the
   *     default allocation policy ({@code static} needs one hub in each enrollment naming none)
   */
  public EmulatorConfig build() {
    individualEnrollments.forEach(e -> e.checkAllocationRules(Optional.of(allocationPolicy)));
    enrollmentGroups.forEach(g -> g.checkAllocationRules(Optional.of(allocationPolicy)));
    return new EmulatorConfig(
        new DeviceListeners(
            host, bindAddress, httpsPort, mqttPort, mqttWebSocketPort, mqtt5, mqttReplyDelay),
        new ServiceListener(servicePort, serviceBindAddress, serviceHost, replaceNeedsIfMatch),
        new EmulatorConfig.HubListeners(hubMqttPort),
        tlsFiles,
        new ProtocolSettings(
            retryAfterSeconds, pollsBeforeAssignment, sasClockSkew, strictApiVersion, apiVersions),
        new Allocation(allocationPolicy, assignment),
        faultPlan,
        new InstanceSeed(idScope, linkedHubs, individualEnrollments, enrollmentGroups),
        stateDirectory,
        new EmulatorConfig.Issuance(issuedCertificateValidity));
  }

  /** The lifetime of certificates issued at provisioning; seconds suit renewal tests. */
  public EmulatorConfigBuilder issuedCertificateValidity(Duration validity) {
    if (validity.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("must be at least 1 second");
    }
    this.issuedCertificateValidity = validity;
    return this;
  }

  // ---- device listeners

  /** The host name in endpoints and in the generated server certificate. */
  public EmulatorConfigBuilder host(String host) {
    this.host = requireNonBlank(host, "host");
    return this;
  }

  public EmulatorConfigBuilder bindAddress(String bindAddress) {
    this.bindAddress = requireNonBlank(bindAddress, "bind address");
    return this;
  }

  /** 0 means "pick a free port", as for every port. */
  public EmulatorConfigBuilder httpsPort(int port) {
    this.httpsPort = requirePort(port);
    return this;
  }

  public EmulatorConfigBuilder mqttPort(int port) {
    this.mqttPort = requirePort(port);
    return this;
  }

  /**
   * A port of its own for MQTT over WebSocket (0 picks a free one); without one, MQTT over
   * WebSocket is served on the HTTPS port only, as DPS serves it on 443.
   */
  public EmulatorConfigBuilder mqttWebSocketPort(int port) {
    this.mqttWebSocketPort = OptionalInt.of(requirePort(port));
    return this;
  }

  /** The MQTT port of every emulated hub (IoT Hub: 8883); 0, the default, picks free ports. */
  public EmulatorConfigBuilder hubMqttPort(int port) {
    this.hubMqttPort = requirePort(port);
    return this;
  }

  public EmulatorConfigBuilder mqtt5(Mqtt5Policy policy) {
    this.mqtt5 = Objects.requireNonNull(policy, "MQTT 5 policy");
    return this;
  }

  public EmulatorConfigBuilder mqttReplyDelay(Duration delay) {
    this.mqttReplyDelay = requireNotNegative(delay, "MQTT reply delay");
    return this;
  }

  // ---- service listener

  public EmulatorConfigBuilder servicePort(int port) {
    this.servicePort = requirePort(port);
    return this;
  }

  /** Where the service API listens, if not on the device API's bind address. */
  public EmulatorConfigBuilder serviceBindAddress(String address) {
    this.serviceBindAddress = Optional.of(requireNonBlank(address, "service bind address"));
    return this;
  }

  /**
   * Whether a service API PUT replacing an existing enrollment or group needs {@code If-Match}
   * (default true: 409 Conflict without it, as the real service answers).
   */
  public EmulatorConfigBuilder servicePutRequiresIfMatch(boolean required) {
    this.replaceNeedsIfMatch = required;
    return this;
  }

  /** The service API's host name, if not the device API's {@link #host(String)}. */
  public EmulatorConfigBuilder serviceHost(String host) {
    this.serviceHost = Optional.of(requireNonBlank(host, "service host"));
    return this;
  }

  public EmulatorConfigBuilder tlsFiles(Path certificateChain, Path privateKey) {
    this.tlsFiles = Optional.of(new TlsFiles(certificateChain, privateKey));
    return this;
  }

  // ---- protocol

  public EmulatorConfigBuilder retryAfterSeconds(int seconds) {
    this.retryAfterSeconds = requireNotNegative(seconds, "retry-after");
    return this;
  }

  public EmulatorConfigBuilder pollsBeforeAssignment(int polls) {
    this.pollsBeforeAssignment = requireNotNegative(polls, "polls before assignment");
    return this;
  }

  public EmulatorConfigBuilder sasClockSkew(Duration skew) {
    this.sasClockSkew = requireNotNegative(skew, "SAS clock skew");
    return this;
  }

  /** The service API: only its published {@code api-version} values pass. */
  public EmulatorConfigBuilder strictApiVersion(boolean strict) {
    this.strictApiVersion = strict;
    return this;
  }

  /** Which {@code api-version} values the device API serves (default: its table's). */
  public EmulatorConfigBuilder deviceApiVersions(ApiVersionPolicy policy) {
    this.apiVersions = Objects.requireNonNull(policy, "api-version policy");
    return this;
  }

  // ---- allocation

  /**
   * @throws IllegalArgumentException for {@code custom}, which needs a webhook and so only exists
   *     per enrollment
   */
  public EmulatorConfigBuilder allocationPolicy(AllocationPolicy policy) {
    if (policy == AllocationPolicy.CUSTOM) {
      throw new IllegalArgumentException(
          "\"custom\" cannot be the instance default; set it per enrollment");
    }
    this.allocationPolicy = policy;
    return this;
  }

  /** {@code initialAssignment} or {@code reprovisionedToInitialAssignment}. */
  public EmulatorConfigBuilder reprovisionSameHubSubstatus(String substatus) {
    assignment = new AssignmentSettings(substatus, assignment.webhookTimeout());
    return this;
  }

  public EmulatorConfigBuilder webhookTimeout(Duration timeout) {
    assignment = new AssignmentSettings(assignment.sameHubSubstatus(), timeout);
    return this;
  }

  public EmulatorConfigBuilder faultPlan(FaultPlan plan) {
    this.faultPlan = Objects.requireNonNull(plan, "fault plan");
    return this;
  }

  // ---- the instance it seeds

  public EmulatorConfigBuilder idScope(String idScope) {
    if (!IdScopes.isValid(idScope)) {
      throw new IllegalArgumentException("invalid ID scope: " + idScope);
    }
    this.idScope = Optional.of(idScope);
    return this;
  }

  /**
   * Replaces the linked hubs; with none, the emulator links {@value EmulatorConfig#DEFAULT_HUB}.
   */
  public EmulatorConfigBuilder linkedHubs(List<LinkedHub> hubs) {
    linkedHubs.clear();
    linkedHubs.addAll(hubs);
    return this;
  }

  public EmulatorConfigBuilder addIndividualEnrollment(IndividualEnrollment enrollment) {
    individualEnrollments.add(enrollment);
    return this;
  }

  public EmulatorConfigBuilder addEnrollmentGroup(EnrollmentGroup group) {
    enrollmentGroups.add(group);
    return this;
  }

  public EmulatorConfigBuilder stateDirectory(Path directory) {
    this.stateDirectory = Optional.of(directory);
    return this;
  }

  private static String requireNonBlank(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return value;
  }

  private static int requirePort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return port;
  }

  private static int requireNotNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " is negative");
    }
    return value;
  }

  private static Duration requireNotNegative(Duration value, String what) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " is negative");
    }
    return value;
  }
}
