package io.dpsagent.emulator.config;

import io.dpsagent.emulator.allocation.AssignmentSettings;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.ProtocolSettings;
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

/**
 * Everything the emulator needs to start: network, TLS, protocol knobs and the initial registry.
 * Immutable; build one with {@link #builder()}, {@link #defaults()} or {@link #load(Path)}.
 */
public final class EmulatorConfig {

  public static final String DEFAULT_HUB = "emulated-hub-1.azure-devices.net";

  /** A configured server certificate chain (server first) and its private key, both PEM. */
  public record TlsFiles(Path certificateChain, Path privateKey) {}

  private final String host;
  private final String bindAddress;
  private final int httpsPort;
  private final int mqttPort;
  private final int mqttWebSocketPort;
  private final Mqtt5Policy mqtt5;
  private final Duration mqttReplyDelay;
  private final Optional<String> idScope;
  private final ProtocolSettings protocolSettings;
  private final Optional<TlsFiles> tlsFiles;
  private final Optional<Path> stateDirectory;
  private final List<LinkedHub> linkedHubs;
  private final List<IndividualEnrollment> individualEnrollments;
  private final List<EnrollmentGroup> enrollmentGroups;
  private final int servicePort;
  private final Optional<String> serviceBindAddress;
  private final Optional<String> serviceHost;
  private final AllocationPolicy allocationPolicy;
  private final AssignmentSettings assignmentSettings;
  private final FaultPlan faultPlan;

  private EmulatorConfig(Builder builder) {
    this.host = builder.host;
    this.bindAddress = builder.bindAddress;
    this.httpsPort = builder.httpsPort;
    this.mqttPort = builder.mqttPort;
    this.mqttWebSocketPort = builder.mqttWebSocketPort;
    this.mqtt5 = builder.mqtt5;
    this.mqttReplyDelay = builder.mqttReplyDelay;
    this.idScope = builder.idScope;
    this.protocolSettings =
        new ProtocolSettings(
            builder.retryAfterSeconds,
            builder.pollsBeforeAssignment,
            builder.sasClockSkew,
            builder.strictApiVersion);
    this.tlsFiles = builder.tlsFiles;
    this.stateDirectory = builder.stateDirectory;
    this.linkedHubs =
        builder.linkedHubs.isEmpty()
            ? List.of(LinkedHub.withHostName(DEFAULT_HUB))
            : List.copyOf(builder.linkedHubs);
    this.individualEnrollments = List.copyOf(builder.individualEnrollments);
    this.enrollmentGroups = List.copyOf(builder.enrollmentGroups);
    this.servicePort = builder.servicePort;
    this.serviceBindAddress = builder.serviceBindAddress;
    this.serviceHost = builder.serviceHost;
    this.allocationPolicy = builder.allocationPolicy;
    this.assignmentSettings =
        new AssignmentSettings(builder.reprovisionSameHubSubstatus, builder.webhookTimeout);
    this.faultPlan = builder.faultPlan;
  }

  /** A fresh ID scope, one linked hub, a free port on 127.0.0.1, a generated CA, no enrollments. */
  public static EmulatorConfig defaults() {
    return builder().build();
  }

  /** Reads a TOML config file; see {@code emulator-example.toml} for the format. */
  public static EmulatorConfig load(Path file) throws ConfigException {
    return ConfigFileReader.read(file);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder builder =
        builder()
            .host(host)
            .bindAddress(bindAddress)
            .httpsPort(httpsPort)
            .mqttPort(mqttPort)
            .mqttWebSocketPort(mqttWebSocketPort)
            .mqtt5(mqtt5)
            .mqttReplyDelay(mqttReplyDelay)
            .retryAfterSeconds(protocolSettings.retryAfterSeconds())
            .pollsBeforeAssignment(protocolSettings.pollsBeforeAssignment())
            .sasClockSkew(protocolSettings.sasClockSkew())
            .strictApiVersion(protocolSettings.strictApiVersion())
            .linkedHubs(linkedHubs)
            .servicePort(servicePort)
            .allocationPolicy(allocationPolicy)
            .reprovisionSameHubSubstatus(assignmentSettings.sameHubSubstatus())
            .webhookTimeout(assignmentSettings.webhookTimeout())
            .faultPlan(faultPlan);
    builder.idScope = idScope;
    builder.tlsFiles = tlsFiles;
    builder.stateDirectory = stateDirectory;
    builder.serviceBindAddress = serviceBindAddress;
    builder.serviceHost = serviceHost;
    individualEnrollments.forEach(builder::addIndividualEnrollment);
    enrollmentGroups.forEach(builder::addEnrollmentGroup);
    return builder;
  }

  /** The host name in endpoints and in the generated server certificate. */
  public String host() {
    return host;
  }

  public String bindAddress() {
    return bindAddress;
  }

  /** 0 means "pick a free port". */
  public int httpsPort() {
    return httpsPort;
  }

  /** The MQTT-over-TLS port; 0 means "pick a free port". */
  public int mqttPort() {
    return mqttPort;
  }

  /** The MQTT-over-WebSocket (TLS) port; 0 means "pick a free port". */
  public int mqttWebSocketPort() {
    return mqttWebSocketPort;
  }

  /** What the MQTT endpoints do with an MQTT 5 CONNECT (default: reject). */
  public Mqtt5Policy mqtt5() {
    return mqtt5;
  }

  /**
   * How long each MQTT reply waits before it is sent (default zero). Models the round trip a device
   * always sees with DPS: a client that publishes and only then starts waiting (the Java SDK 2.1.3)
   * can miss a reply that arrives within microseconds.
   */
  public Duration mqttReplyDelay() {
    return mqttReplyDelay;
  }

  /** Empty means "generate one at start". */
  public Optional<String> idScope() {
    return idScope;
  }

  public ProtocolSettings protocolSettings() {
    return protocolSettings;
  }

  /** Empty means "generate a CA and a server certificate at start". */
  public Optional<TlsFiles> tlsFiles() {
    return tlsFiles;
  }

  /**
   * Where {@code ca.pem} and the instance's {@code state.json} go; empty means a new temporary
   * directory, removed on close.
   */
  public Optional<Path> stateDirectory() {
    return stateDirectory;
  }

  public List<LinkedHub> linkedHubs() {
    return linkedHubs;
  }

  public List<IndividualEnrollment> individualEnrollments() {
    return individualEnrollments;
  }

  public List<EnrollmentGroup> enrollmentGroups() {
    return enrollmentGroups;
  }

  /** The service API port; 0 means "pick a free port". */
  public int servicePort() {
    return servicePort;
  }

  /** The address the service API listens on; by default {@link #bindAddress()}. */
  public String serviceBindAddress() {
    return serviceBindAddress.orElse(bindAddress);
  }

  /**
   * The service API's host name: in its endpoint, the connection string's {@code HostName}, the SAS
   * resource it accepts and the generated server certificate; by default {@link #host()}.
   */
  public String serviceHost() {
    return serviceHost.orElse(host);
  }

  /** The instance's allocation policy, for enrollments that do not name one. */
  public AllocationPolicy allocationPolicy() {
    return allocationPolicy;
  }

  /** Reprovisioning substatus and webhook timeout. */
  public AssignmentSettings assignmentSettings() {
    return assignmentSettings;
  }

  /** The faults to inject from the start (default none); the service API can replace them. */
  public FaultPlan faultPlan() {
    return faultPlan;
  }

  /** Builds an {@link EmulatorConfig}; setters check their argument at once. */
  public static final class Builder {
    private String host = "localhost";
    private String bindAddress = "127.0.0.1";
    private int httpsPort;
    private int mqttPort;
    private int mqttWebSocketPort;
    private Mqtt5Policy mqtt5 = Mqtt5Policy.REJECT;
    private Duration mqttReplyDelay = Duration.ZERO;
    private Optional<String> idScope = Optional.empty();
    private int retryAfterSeconds = ProtocolSettings.defaults().retryAfterSeconds();
    private int pollsBeforeAssignment = ProtocolSettings.defaults().pollsBeforeAssignment();
    private Duration sasClockSkew = ProtocolSettings.defaults().sasClockSkew();
    private boolean strictApiVersion = ProtocolSettings.defaults().strictApiVersion();
    private Optional<TlsFiles> tlsFiles = Optional.empty();
    private Optional<Path> stateDirectory = Optional.empty();
    private final List<LinkedHub> linkedHubs = new ArrayList<>();
    private final List<IndividualEnrollment> individualEnrollments = new ArrayList<>();
    private final List<EnrollmentGroup> enrollmentGroups = new ArrayList<>();
    private int servicePort;
    private Optional<String> serviceBindAddress = Optional.empty();
    private Optional<String> serviceHost = Optional.empty();
    private AllocationPolicy allocationPolicy = AllocationPolicy.HASHED;
    private String reprovisionSameHubSubstatus = AssignmentSettings.defaults().sameHubSubstatus();
    private Duration webhookTimeout = AssignmentSettings.defaults().webhookTimeout();
    private FaultPlan faultPlan = FaultPlan.NONE;

    private Builder() {}

    public Builder faultPlan(FaultPlan plan) {
      this.faultPlan = Objects.requireNonNull(plan, "fault plan");
      return this;
    }

    public Builder servicePort(int port) {
      this.servicePort = requirePort(port);
      return this;
    }

    /** Where the service API listens, if not on the device API's bind address. */
    public Builder serviceBindAddress(String address) {
      this.serviceBindAddress = Optional.of(requireNonBlank(address, "service bind address"));
      return this;
    }

    /** The service API's host name, if not the device API's {@link #host(String)}. */
    public Builder serviceHost(String host) {
      this.serviceHost = Optional.of(requireNonBlank(host, "service host"));
      return this;
    }

    /**
     * @throws IllegalArgumentException for {@code custom}, which needs a webhook and so only exists
     *     per enrollment
     */
    public Builder allocationPolicy(AllocationPolicy policy) {
      if (policy == AllocationPolicy.CUSTOM) {
        throw new IllegalArgumentException(
            "\"custom\" cannot be the instance default; set it per enrollment");
      }
      this.allocationPolicy = policy;
      return this;
    }

    /** {@code initialAssignment} or {@code reprovisionedToInitialAssignment}. */
    public Builder reprovisionSameHubSubstatus(String substatus) {
      if (!AssignmentSettings.SAME_HUB_SUBSTATUSES.contains(substatus)) {
        throw new IllegalArgumentException(
            "must be \"initialAssignment\" or \"reprovisionedToInitialAssignment\"");
      }
      this.reprovisionSameHubSubstatus = substatus;
      return this;
    }

    public Builder webhookTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("webhook timeout must be positive");
      }
      this.webhookTimeout = timeout;
      return this;
    }

    public Builder host(String host) {
      this.host = requireNonBlank(host, "host");
      return this;
    }

    public Builder bindAddress(String bindAddress) {
      this.bindAddress = requireNonBlank(bindAddress, "bind address");
      return this;
    }

    public Builder httpsPort(int port) {
      this.httpsPort = requirePort(port);
      return this;
    }

    public Builder mqttPort(int port) {
      this.mqttPort = requirePort(port);
      return this;
    }

    public Builder mqttWebSocketPort(int port) {
      this.mqttWebSocketPort = requirePort(port);
      return this;
    }

    public Builder mqtt5(Mqtt5Policy policy) {
      this.mqtt5 = Objects.requireNonNull(policy, "MQTT 5 policy");
      return this;
    }

    public Builder mqttReplyDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("MQTT reply delay is negative");
      }
      this.mqttReplyDelay = delay;
      return this;
    }

    public Builder idScope(String idScope) {
      if (!IdScopes.isValid(idScope)) {
        throw new IllegalArgumentException("invalid ID scope: " + idScope);
      }
      this.idScope = Optional.of(idScope);
      return this;
    }

    public Builder retryAfterSeconds(int seconds) {
      this.retryAfterSeconds = requireNotNegative(seconds, "retry-after");
      return this;
    }

    public Builder pollsBeforeAssignment(int polls) {
      this.pollsBeforeAssignment = requireNotNegative(polls, "polls before assignment");
      return this;
    }

    public Builder sasClockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("SAS clock skew is negative");
      }
      this.sasClockSkew = skew;
      return this;
    }

    public Builder strictApiVersion(boolean strict) {
      this.strictApiVersion = strict;
      return this;
    }

    public Builder tlsFiles(Path certificateChain, Path privateKey) {
      this.tlsFiles = Optional.of(new TlsFiles(certificateChain, privateKey));
      return this;
    }

    public Builder stateDirectory(Path directory) {
      this.stateDirectory = Optional.of(directory);
      return this;
    }

    /** Replaces the linked hubs; with none, the emulator links {@value #DEFAULT_HUB}. */
    public Builder linkedHubs(List<LinkedHub> hubs) {
      linkedHubs.clear();
      linkedHubs.addAll(hubs);
      return this;
    }

    public Builder addLinkedHub(LinkedHub hub) {
      linkedHubs.add(hub);
      return this;
    }

    public Builder addIndividualEnrollment(IndividualEnrollment enrollment) {
      individualEnrollments.add(enrollment);
      return this;
    }

    public Builder addEnrollmentGroup(EnrollmentGroup group) {
      enrollmentGroups.add(group);
      return this;
    }

    public EmulatorConfig build() {
      return new EmulatorConfig(this);
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
  }
}
