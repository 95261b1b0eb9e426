package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.http.HttpsServiceServer;
import io.dpsagent.emulator.hub.Hubs;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.service.ServiceApi;
import io.dpsagent.emulator.service.ServiceAuthenticator;
import io.dpsagent.emulator.service.SharedAccessPolicy;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening service API server, its URI and the connection string the service SDKs take.
 *
 * @param connectionString holds a key: never log it
 */
record ServiceEndpoint(HttpsServiceServer server, URI uri, String connectionString) {

  private static final int STANDARD_HTTPS_PORT = 443;

  /** Starts the service API; the first policy is the one the connection string names. */
  static ServiceEndpoint start(
      EmulatorConfig config,
      ServerTlsIdentity tls,
      Registry registry,
      Faults faults,
      Hubs hubs,
      List<SharedAccessPolicy> policies)
      throws IOException {
    // Tokens name the port the server listens on, known only once it does (port 0 in tests).
    AtomicInteger port = new AtomicInteger(config.service().port());
    String host = config.serviceHost().toLowerCase(Locale.ROOT);
    ServiceAuthenticator authenticator =
        new ServiceAuthenticator(
            policies,
            () -> Set.of(host, host + ":" + port.get()),
            config.protocol().sasClockSkew());
    ServiceApi api =
        new ServiceApi(
            registry,
            faults,
            hubs,
            authenticator,
            config.protocol().strictApiVersion(),
            config.service().replaceNeedsIfMatch(),
            Clock.systemUTC());
    HttpsServiceServer server =
        HttpsServiceServer.start(
            new InetSocketAddress(
                InetAddress.getByName(config.serviceBindAddress()), config.service().port()),
            tls.newServerContext(),
            api);
    port.set(server.port());
    SharedAccessPolicy owner = policies.get(0);
    return new ServiceEndpoint(
        server,
        URI.create("https://" + UriHosts.bracketed(config.serviceHost()) + ":" + server.port()),
        "HostName="
            + connectionStringHostName(config.serviceHost(), server.port())
            + ";SharedAccessKeyName="
            + owner.keyName()
            + ";SharedAccessKey="
            + owner.primaryKey());
  }

  /**
   * The service SDKs take {@code HostName} as a bare host and dial 443 (Node looks a {@code
   * host:port} up as a DNS name), so on 443 the port is left out; elsewhere it must be written.
   */
  static String connectionStringHostName(String host, int port) {
    return port == STANDARD_HTTPS_PORT ? host : host + ":" + port;
  }

  @Override
  public String toString() {
    return "ServiceEndpoint[" + uri + ", connection string redacted]";
  }
}
