package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.http.HttpsDeviceServer;
import io.dpsagent.emulator.mqtt.MqttDeviceServer;
import io.dpsagent.emulator.registry.IdScopes;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.PemFiles;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running local DPS: the device API over HTTPS, MQTT and MQTT over WebSocket (all on TLS), backed
 * by a {@link Registry} that tests (or the config file) fill with enrollments.
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

  private final Registry registry;
  private final Faults faults;
  private final RequestLog requestLog;
  private final List<AutoCloseable> servers;
  private final URI httpsEndpoint;
  private final URI mqttEndpoint;
  private final URI mqttWebSocketEndpoint;
  private final Path caFile;
  private final Optional<Path> temporaryStateDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DpsEmulator(
      Registry registry,
      Faults faults,
      RequestLog requestLog,
      Endpoints endpoints,
      Path caFile,
      Optional<Path> temporaryStateDirectory) {
    this.registry = registry;
    this.faults = faults;
    this.requestLog = requestLog;
    this.servers = endpoints.servers();
    this.httpsEndpoint = endpoints.https();
    this.mqttEndpoint = endpoints.mqtt();
    this.mqttWebSocketEndpoint = endpoints.mqttWebSocket();
    this.caFile = caFile;
    this.temporaryStateDirectory = temporaryStateDirectory;
  }

  /**
   * Starts serving; returns once every port is listening and {@link #caFile()} is written.
   *
   * @throws IOException if the state directory, the TLS files or a port cannot be used
   */
  public static DpsEmulator start(EmulatorConfig config) throws IOException {
    Optional<Path> temporaryState =
        config.stateDirectory().isPresent()
            ? Optional.empty()
            : Optional.of(Files.createTempDirectory("dps-emulator-"));
    Path stateDirectory = config.stateDirectory().or(() -> temporaryState).orElseThrow();
    try {
      Files.createDirectories(stateDirectory);
      ServerTlsIdentity tls = tlsIdentity(config);
      Path caFile = stateDirectory.resolve(CA_FILE_NAME).toAbsolutePath();
      PemFiles.writeCertificate(caFile, tls.trustAnchor());
      Registry registry = newRegistry(config);
      Faults faults = new Faults();
      RequestLog requestLog = new RequestLog();
      DeviceApi api = new DeviceApi(registry, config.protocolSettings(), faults, Clock.systemUTC());
      Endpoints endpoints = Endpoints.start(config, tls.newServerContext(), api, requestLog);
      return new DpsEmulator(registry, faults, requestLog, endpoints, caFile, temporaryState);
    } catch (IOException | RuntimeException e) {
      deleteTemporaryState(temporaryState);
      throw e;
    }
  }

  public String idScope() {
    return registry.idScope();
  }

  /** {@code https://HOST:PORT}, the device endpoint (what DPS calls the global endpoint). */
  public URI httpsEndpoint() {
    return httpsEndpoint;
  }

  /** {@code mqtts://HOST:PORT}: MQTT 3.1.1 (and MQTT 5 if enabled) on TLS. */
  public URI mqttEndpoint() {
    return mqttEndpoint;
  }

  /**
   * {@code wss://HOST:PORT/$iothub/websocket}: MQTT over WebSocket on TLS. The path is the one DPS
   * documents; the emulator accepts the upgrade on any path.
   */
  public URI mqttWebSocketEndpoint() {
    return mqttWebSocketEndpoint;
  }

  /** The PEM certificate clients must trust to accept the server's TLS certificate. */
  public Path caFile() {
    return caFile;
  }

  /** Enrollments, linked hubs and registration records; changes apply to the next request. */
  public Registry registry() {
    return registry;
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
      Endpoints.closeAll(servers);
      deleteTemporaryState(temporaryStateDirectory);
    }
  }

  private static ServerTlsIdentity tlsIdentity(EmulatorConfig config) throws IOException {
    if (config.tlsFiles().isPresent()) {
      EmulatorConfig.TlsFiles files = config.tlsFiles().get();
      return ServerTlsIdentity.load(files.certificateChain(), files.privateKey());
    }
    try {
      return LocalCertificateAuthority.create().issueServerIdentity(config.host());
    } catch (GeneralSecurityException e) {
      // EC P-256 and SHA256withECDSA are mandatory in every Java platform.
      throw new IllegalStateException("cannot generate the local CA", e);
    }
  }

  private static Registry newRegistry(EmulatorConfig config) {
    Registry registry =
        new Registry(config.idScope().orElseGet(IdScopes::generate), config.linkedHubs());
    config.individualEnrollments().forEach(registry::addIndividualEnrollment);
    config.enrollmentGroups().forEach(registry::addEnrollmentGroup);
    return registry;
  }

  /** The listening servers, in start order, and the endpoints they serve. */
  private record Endpoints(List<AutoCloseable> servers, URI https, URI mqtt, URI mqttWebSocket) {

    static final String WEBSOCKET_PATH = "/$iothub/websocket";

    static Endpoints start(
        EmulatorConfig config, SslContext tls, DeviceApi api, RequestLog requestLog)
        throws IOException {
      InetAddress bind = InetAddress.getByName(config.bindAddress());
      String host = uriHost(config.host());
      MqttDeviceServer.Settings mqtt =
          new MqttDeviceServer.Settings(tls, api, requestLog, config.mqtt5());
      List<AutoCloseable> started = new ArrayList<>();
      try {
        HttpsDeviceServer https =
            HttpsDeviceServer.start(
                new InetSocketAddress(bind, config.httpsPort()), tls, api, requestLog);
        started.add(https);
        MqttDeviceServer mqttTls =
            MqttDeviceServer.startTls(new InetSocketAddress(bind, config.mqttPort()), mqtt);
        started.add(mqttTls);
        MqttDeviceServer mqttWs =
            MqttDeviceServer.startWebSocket(
                new InetSocketAddress(bind, config.mqttWebSocketPort()), mqtt);
        started.add(mqttWs);
        return new Endpoints(
            List.copyOf(started),
            URI.create("https://" + host + ":" + https.port()),
            URI.create("mqtts://" + host + ":" + mqttTls.port()),
            URI.create("wss://" + host + ":" + mqttWs.port() + WEBSOCKET_PATH));
      } catch (IOException | RuntimeException e) {
        closeAll(started);
        throw e;
      }
    }

    static void closeAll(List<AutoCloseable> servers) {
      for (AutoCloseable server : servers) {
        try {
          server.close();
        } catch (Exception e) {
          // Each server releases its port in close() and throws nothing checked; keep closing.
        }
      }
    }
  }

  private static String uriHost(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  // Only the directory this class created, and only the file it wrote there.
  private static void deleteTemporaryState(Optional<Path> directory) {
    if (directory.isEmpty()) {
      return;
    }
    try {
      Files.deleteIfExists(directory.get().resolve(CA_FILE_NAME));
      Files.deleteIfExists(directory.get());
    } catch (IOException e) {
      // A leftover temporary directory is harmless; failing close() over it is not.
    }
  }
}
