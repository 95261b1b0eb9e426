package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.http.HttpsDeviceServer;
import io.dpsagent.emulator.registry.IdScopes;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.PemFiles;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running local DPS: the device API over HTTPS, backed by a {@link Registry} that tests (or the
 * config file) fill with enrollments.
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
  private final HttpsDeviceServer httpsServer;
  private final URI httpsEndpoint;
  private final Path caFile;
  private final Optional<Path> temporaryStateDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DpsEmulator(
      Registry registry,
      Faults faults,
      RequestLog requestLog,
      HttpsDeviceServer httpsServer,
      URI httpsEndpoint,
      Path caFile,
      Optional<Path> temporaryStateDirectory) {
    this.registry = registry;
    this.faults = faults;
    this.requestLog = requestLog;
    this.httpsServer = httpsServer;
    this.httpsEndpoint = httpsEndpoint;
    this.caFile = caFile;
    this.temporaryStateDirectory = temporaryStateDirectory;
  }

  /**
   * Starts serving; returns once the port is listening and {@link #caFile()} is written.
   *
   * @throws IOException if the state directory, the TLS files or the port cannot be used
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
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.httpsPort());
      HttpsDeviceServer server =
          HttpsDeviceServer.start(address, tls.newServerContext(), api, requestLog);
      URI endpoint = URI.create("https://" + uriHost(config.host()) + ":" + server.port());
      return new DpsEmulator(
          registry, faults, requestLog, server, endpoint, caFile, temporaryState);
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

  /** Stops serving; returns once the port is released. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      httpsServer.close();
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
