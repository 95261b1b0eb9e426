package io.dpsagent.emulator.config;

import io.dpsagent.emulator.allocation.AssignmentSettings;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.ProtocolSettings;
import io.dpsagent.emulator.mqtt.Mqtt5Policy;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the emulator needs to start, one section per part it configures. Immutable; build one
 * with {@link #builder()}, {@link #defaults()} or {@link #load(Path)}, which check every value.
 *
 * @param tlsFiles empty means "generate a CA and a server certificate at start"
 * @param faults the faults to inject from the start (default none); the service API can replace
 *     them
 * @param stateDirectory where {@code ca.pem} and the instance's {@code state.json} go; empty means
 *     a new temporary directory, removed on close
 * @param issuance the lifetime of issued certificates
 */
public record EmulatorConfig(
    DeviceListeners devices,
    ServiceListener service,
    HubListeners hubs,
    Optional<TlsFiles> tlsFiles,
    ProtocolSettings protocol,
    Allocation allocation,
    FaultPlan faults,
    InstanceSeed seed,
    Optional<Path> stateDirectory,
    Issuance issuance) {

  /**
   * Certificate issuance at provisioning: the issuing CA is generated at start and its root written
   * to {@code issuing-ca.pem} in the state directory.
   *
   * @param validity the lifetime of every issued certificate (default 30 days)
   */
  public record Issuance(Duration validity) {}

  /**
   * The hub linked when none is configured: a name that resolves on every machine, so that its
   * endpoint (on {@code bind_address}, see {@code hub_mqtt_port}) is reachable as assigned.
   */
  public static final String DEFAULT_HUB = "localhost";

  /**
   * The device API's listeners; a port of 0 means "pick a free port".
   *
   * @param host the host name in endpoints and in the generated server certificate
   * @param mqttWebSocketPort a port of its own for MQTT over WebSocket, besides the HTTPS port that
   *     always serves it (as DPS serves both on 443); empty (the default) means none
   * @param mqtt5 what the MQTT endpoints do with an MQTT 5 CONNECT (default: reject)
   * @param mqttReplyDelay how long each MQTT reply waits before it is sent (default zero). Models
   *     the round trip a device always sees with DPS: a client that publishes and only then starts
   *     waiting (the Java SDK 2.1.3) can miss a reply that arrives within microseconds.
   */
  public record DeviceListeners(
      String host,
      String bindAddress,
      int httpsPort,
      int mqttPort,
      OptionalInt mqttWebSocketPort,
      Mqtt5Policy mqtt5,
      Duration mqttReplyDelay) {}

  /**
   * The service API's listener; a port of 0 means "pick a free port". Host and bind address, when
   * not set, follow the device API's ({@link #serviceHost()}, {@link #serviceBindAddress()}).
   *
   * @param replaceNeedsIfMatch whether a PUT replacing an existing enrollment or group needs {@code
   *     If-Match} (409 Conflict without it, as SDK issues report of the real service; default true)
   */
  public record ServiceListener(
      int port, Optional<String> bindAddress, Optional<String> host, boolean replaceNeedsIfMatch) {}

  /**
   * The emulated hubs' MQTT endpoints, one per linked hub (see {@code Hubs}).
   *
   * @param mqttPort the port of every hub (IoT Hub: 8883); 0 picks a free port per hub
   */
  public record HubListeners(int mqttPort) {}

  /** A configured server certificate chain (server first) and its private key, both PEM. */
  public record TlsFiles(Path certificateChain, Path privateKey) {}

  /**
   * @param defaultPolicy the instance's policy, for enrollments that do not name one
   * @param assignment reprovisioning substatus and webhook timeout
   */
  public record Allocation(AllocationPolicy defaultPolicy, AssignmentSettings assignment) {}

  /**
   * The DPS instance a new state directory starts with; an existing one keeps its own.
   *
   * @param idScope empty means "generate one at start"
   * @param linkedHubs never empty: with none configured, {@value #DEFAULT_HUB}
   */
  public record InstanceSeed(
      Optional<String> idScope,
      List<LinkedHub> linkedHubs,
      List<IndividualEnrollment> individualEnrollments,
      List<EnrollmentGroup> enrollmentGroups) {

    public InstanceSeed {
      linkedHubs =
          linkedHubs.isEmpty()
              ? List.of(LinkedHub.withHostName(DEFAULT_HUB))
              : List.copyOf(linkedHubs);
      individualEnrollments = List.copyOf(individualEnrollments);
      enrollmentGroups = List.copyOf(enrollmentGroups);
    }
  }

  /** A fresh ID scope, one linked hub, a free port on 127.0.0.1, a generated CA, no enrollments. */
  public static EmulatorConfig defaults() {
    return builder().build();
  }

  /** Reads a TOML config file; see {@code emulator-example.toml} for the format. */
  public static EmulatorConfig load(Path file) throws ConfigException {
    return ConfigFileReader.read(file);
  }

  public static EmulatorConfigBuilder builder() {
    return new EmulatorConfigBuilder();
  }

  public EmulatorConfigBuilder toBuilder() {
    return new EmulatorConfigBuilder(this);
  }

  /** The address the service API listens on; by default the device API's. */
  public String serviceBindAddress() {
    return service.bindAddress().orElse(devices.bindAddress());
  }

  /**
   * The service API's host name: in its endpoint, the connection string's {@code HostName}, the SAS
   * resource it accepts and the generated server certificate; by default the device API's.
   */
  public String serviceHost() {
    return service.host().orElse(devices.host());
  }
}
