package io.dpsagent.emulator;

import io.dpsagent.emulator.allocation.Assigner;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.hub.Hubs;
import io.dpsagent.emulator.hub.RegisteredDevices;
import io.dpsagent.emulator.issuance.CertificateIssuer;
import io.dpsagent.emulator.registry.IdScopes;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.OperationCounts;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.service.SharedAccessPolicy;
import io.dpsagent.emulator.state.StateFileException;
import io.dpsagent.emulator.state.StateStore;
import io.dpsagent.emulator.tls.PemFiles;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A running local DPS: the device API over HTTPS, MQTT and MQTT over WebSocket (all on TLS), the
 * service API over HTTPS, an IoT-Hub-compatible MQTT endpoint for each linked hub, backed by a
 * {@link Registry} that tests, the service API (or, at the first start, the config file) fill with
 * enrollments. The instance (ID scope, hubs, enrollments, records, counts, service keys) lives in
 * the state directory and survives restarts.
 *
 * <p>A little over 300 lines because it is the emulator's one public face: the start (wiring the
 * listeners to one registry, and undoing a start that fails half-way), an accessor per endpoint and
 * handle that tests use, and the close; the servers and protocol live in their own packages.
 *
 * <pre>{@code
 * try (DpsEmulator emulator = DpsEmulator.start(EmulatorConfig.defaults())) {
 *   emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey("dev-1", key));
 *   // point a device at emulator.httpsEndpoint(), trusting emulator.caFile()
 * }
 * }</pre>
 */
public final class DpsEmulator implements AutoCloseable {

  static final String CA_FILE_NAME = "ca.pem";
  static final String ISSUING_CA_FILE_NAME = "issuing-ca.pem";
  private static final Logger LOG = Logger.getLogger(DpsEmulator.class.getName());

  private final Registry registry;
  private final StateStore store;
  private final Faults faults;
  private final RequestLog requestLog;
  private final DeviceEndpoints devices;
  private final ServiceEndpoint service;
  private final Hubs hubs;
  private final Path caFile;
  private final Optional<Path> temporaryStateDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The DPS instance as the state directory holds it (or as the config seeds it). */
  private record Instance(Registry registry, List<SharedAccessPolicy> policies) {}

  /**
   * Starts serving; returns once every port is listening and {@link #caFile()} and the state file
   * are written.
   *
   * @throws StateFileException if the state directory holds an unusable state file
   * @throws IOException if the state directory, the TLS files or a port cannot be used
   */
  public static DpsEmulator start(EmulatorConfig config) throws IOException {
    return start(config, StartupKeys.begin());
  }

  /**
   * As {@link #start(EmulatorConfig)}, with the CAs that {@code keys} makes (begun before the
   * config was read).
   */
  public static DpsEmulator start(EmulatorConfig config, StartupKeys keys) throws IOException {
    Optional<Path> temporaryState =
        config.stateDirectory().isPresent()
            ? Optional.empty()
            : Optional.of(Files.createTempDirectory("dps-emulator-"));
    Path stateDirectory = config.stateDirectory().or(() -> temporaryState).orElseThrow();
    try {
      StateStore.prepareDirectory(stateDirectory);
      Instance instance = openInstance(config.seed(), stateDirectory);
      Registry registry = instance.registry();
      registry.setDefaultAllocationPolicy(config.allocation().defaultPolicy());
      StateStore store = new StateStore(stateDirectory, instance.policies());
      registry.onChange(() -> store.saveSoon(registry));
      // The first write, of every enrollment, takes as long as the rest of the start with 10,000:
      // it runs alongside it.
      CompletableFuture<Void> saved = store.saveInBackground(registry);
      try {
        DpsEmulator emulator =
            new DpsEmulator(config, keys, stateDirectory, instance, store, temporaryState);
        saved.join();
        return emulator;
      } catch (IOException | RuntimeException e) {
        store.close(); // waits for the write: nothing is written into a deleted directory
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      deleteTemporaryState(temporaryState);
      throw e;
    }
  }

  /**
   * Wires the listeners to the instance's registry. A listener that cannot start closes those
   * started before it; the caller undoes the rest.
   */
  private DpsEmulator(
      EmulatorConfig config,
      StartupKeys keys,
      Path stateDirectory,
      Instance instance,
      StateStore store,
      Optional<Path> temporaryState)
      throws IOException {
    this.registry = instance.registry();
    this.store = store;
    this.temporaryStateDirectory = temporaryState;
    ServerTlsIdentity tls = tlsIdentity(config, registry.linkedHubs(), keys);
    this.caFile = stateDirectory.resolve(CA_FILE_NAME).toAbsolutePath();
    PemFiles.writeCertificate(caFile, tls.trustAnchor());
    this.faults = new Faults();
    faults.install(config.faults());
    Clock clock = Clock.systemUTC();
    this.requestLog = new RequestLog();
    Assigner assigner = new Assigner(registry, config.allocation().assignment(), clock);
    CertificateIssuer issuer =
        new CertificateIssuer(keys.issuingCa(), config.issuance().validity(), clock);
    Path issuingCaFile = stateDirectory.resolve(ISSUING_CA_FILE_NAME).toAbsolutePath();
    PemFiles.writeCertificate(issuingCaFile, issuer.ca().root());
    DeviceApi api = new DeviceApi(registry, config.protocol(), faults, clock, assigner, issuer);
    this.hubs =
        Hubs.start(
            registry.linkedHubs(),
            config.hubs().mqttPort(),
            config.devices().bindAddress(),
            new HubServer.Settings(
                tls.newServerContext(),
                new RegisteredDevices(registry, clock, Optional.of(issuer)),
                config.protocol().sasClockSkew(),
                clock));
    registry.onAssignment(hubs::assigned);
    try {
      this.devices =
          DeviceEndpoints.start(config.devices(), tls.newServerContext(), api, requestLog);
    } catch (IOException | RuntimeException e) {
      hubs.close();
      throw e;
    }
    try {
      this.service =
          ServiceEndpoint.start(config, tls, registry, faults, hubs, instance.policies());
    } catch (IOException | RuntimeException e) {
      devices.close();
      hubs.close();
      throw e;
    }
  }

  // The state directory is the instance; the config file only seeds a new one.
  private static Instance openInstance(EmulatorConfig.InstanceSeed seed, Path stateDirectory)
      throws IOException {
    Optional<StateStore.Loaded> loaded = StateStore.load(stateDirectory);
    if (loaded.isEmpty()) {
      Registry registry =
          new Registry(seed.idScope().orElseGet(IdScopes::generate), seed.linkedHubs());
      seed.individualEnrollments().forEach(registry::addIndividualEnrollment);
      seed.enrollmentGroups().forEach(registry::addEnrollmentGroup);
      return new Instance(registry, List.of(SharedAccessPolicy.generate(SharedAccessPolicy.OWNER)));
    }
    Registry registry = loaded.get().registry();
    Optional<String> configured = seed.idScope();
    if (configured.isPresent() && !configured.get().equalsIgnoreCase(registry.idScope())) {
      throw new StateFileException(
          stateDirectory.resolve(StateStore.FILE_NAME),
          "holds ID scope "
              + registry.idScope()
              + ", the config asks for "
              + configured.get()
              + "; an ID scope never changes (use another state directory)");
    }
    LOG.info(
        () ->
            "Resuming the DPS instance in "
                + stateDirectory
                + "; linked hubs and enrollments of the config only seed new instances");
    return new Instance(registry, loaded.get().policies());
  }

  public String idScope() {
    return registry.idScope();
  }

  /** {@code https://HOST:PORT}, the device endpoint (what DPS calls the global endpoint). */
  public URI httpsEndpoint() {
    return devices.https();
  }

  /** {@code mqtts://HOST:PORT}: MQTT 3.1.1 (and MQTT 5 if enabled) on TLS. */
  public URI mqttEndpoint() {
    return devices.mqtt();
  }

  /**
   * {@code wss://HOST:PORT/$iothub/websocket}: MQTT over WebSocket on TLS, on the HTTPS port (as
   * DPS serves both on 443) unless a separate port is configured. The path is the one DPS
   * documents; the emulator accepts the upgrade on any path.
   */
  public URI mqttWebSocketEndpoint() {
    return devices.mqttWebSocket();
  }

  /** {@code https://HOST:PORT}, the service API (enrollments, registration records). */
  public URI serviceEndpoint() {
    return service.uri();
  }

  /**
   * {@code HostName=HOST:PORT;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=...}, as
   * the service SDKs take it; HOST is the service host, and on port 443 it stands alone. It holds a
   * key: never log it.
   */
  public String serviceConnectionString() {
    return service.connectionString();
  }

  /** The billable operations served so far (persisted with the instance). */
  public OperationCounts operations() {
    return registry.operationCounts();
  }

  /** The PEM certificate clients must trust to accept the server's TLS certificate. */
  public Path caFile() {
    return caFile;
  }

  /**
   * The root of the CA that issues devices' certificates at provisioning ({@code issuing-ca.pem} in
   * the state directory); chains end with it.
   */
  public Path issuingCaFile() {
    return caFile.resolveSibling(ISSUING_CA_FILE_NAME);
  }

  /** Enrollments, linked hubs and registration records; changes apply to the next request. */
  public Registry registry() {
    return registry;
  }

  /**
   * The emulated hubs: one MQTT endpoint per linked hub, accepting the devices DPS registered there
   * (twins, telemetry counts, connected devices).
   */
  public Hubs hubs() {
    return hubs;
  }

  /** The device requests answered so far. */
  public RequestLog requestLog() {
    return requestLog;
  }

  /** Failures to inject into the next device requests. */
  public Faults faults() {
    return faults;
  }

  /** Stops serving; returns once every port is released. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      devices.close();
      hubs.close();
      service.server().close();
      store.close(); // the last changes reach the state file before close returns
      deleteTemporaryState(temporaryStateDirectory);
    }
  }

  private static ServerTlsIdentity tlsIdentity(
      EmulatorConfig config, List<LinkedHub> hubs, StartupKeys keys) throws IOException {
    if (config.tlsFiles().isPresent()) {
      EmulatorConfig.TlsFiles files = config.tlsFiles().get();
      return ServerTlsIdentity.load(files.certificateChain(), files.privateKey());
    }
    try {
      return keys.tlsCa()
          .issueServerIdentity(
              config.devices().host(),
              Stream.concat(
                      Stream.of(config.serviceHost()),
                      hubs.stream().map(LinkedHub::hostName).filter(Hubs::isServable))
                  .toArray(String[]::new));
    } catch (GeneralSecurityException e) {
      // EC P-256 and SHA256withECDSA are mandatory in every Java platform.
      throw new IllegalStateException("cannot issue the server certificate", e);
    }
  }

  // Only the directory this class created, and only the files it wrote there.
  private static void deleteTemporaryState(Optional<Path> directory) {
    if (directory.isEmpty()) {
      return;
    }
    try {
      Files.deleteIfExists(directory.get().resolve(CA_FILE_NAME));
      Files.deleteIfExists(directory.get().resolve(ISSUING_CA_FILE_NAME));
      Files.deleteIfExists(directory.get().resolve(StateStore.FILE_NAME));
      Files.deleteIfExists(directory.get());
    } catch (IOException e) {
      // A leftover temporary directory is harmless; failing close() over it is not.
    }
  }
}
