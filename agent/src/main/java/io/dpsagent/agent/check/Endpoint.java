package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.Version;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.config.Transport;
import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.proxy.HttpTunnel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The DPS endpoint as the network checks reach it: directly, or through the configured proxy with
 * {@code CONNECT}, every step bounded by one timeout.
 */
record Endpoint(ProvisioningConfig config, Duration timeout) {

  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int END_OF_HEADER = 0x0d0a0d0a; // CR LF CR LF

  String host() {
    return config.endpoint().host();
  }

  /** The port of the configured transport. */
  int port() {
    return config.endpoint().port(config.transport());
  }

  boolean hasPort() {
    return config.endpoint().hasPort();
  }

  Transport transport() {
    return config.transport();
  }

  Optional<ProxySettings> proxy() {
    return config.proxy();
  }

  /**
   * The host whose name this device resolves: the proxy's when there is one (it resolves DPS's).
   */
  String resolvedHost() {
    return proxy().map(p -> p.address().getHostString()).orElse(host());
  }

  /** Resolves {@link #resolvedHost()}; the JDK resolver has no timeout of its own. */
  List<InetAddress> resolve() throws UnknownHostException, TimeoutException {
    String name = resolvedHost();
    CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
    Thread resolver =
        new Thread(
            () -> {
              try {
                lookup.complete(InetAddress.getAllByName(name));
              } catch (UnknownHostException | RuntimeException e) {
                lookup.completeExceptionally(e);
              }
            },
            "dps-agent-check-dns");
    resolver.setDaemon(true);
    resolver.start();
    try {
      return List.of(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      throw new UnknownHostException(name + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  /** A TCP connection to {@code port} of the endpoint: direct, or a proxy tunnel. */
  Socket connect(int port) throws IOException {
    int millis = (int) timeout.toMillis();
    if (proxy().isPresent()) {
      Socket tunnel = HttpTunnel.open(proxy().get(), host(), port, Deadline.after(timeout));
      tunnel.setSoTimeout(millis);
      return tunnel;
    }
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host(), port), millis);
      socket.setSoTimeout(millis);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * A completed TLS handshake with {@code port}, the server's certificate and host name verified.
   */
  SSLSocket handshake(int port) throws IOException, AgentException {
    SSLContext tls = TrustStores.clientContext(config.trustBundle(), Optional.empty());
    Socket tcp = connect(port);
    try {
      SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, host(), port, true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      tcp.close();
      throw e;
    }
  }

  /**
   * The {@code Date} header of the endpoint's answer to an unauthenticated GET on its HTTPS API
   * (any answer carries one, as HTTP requires), or empty when it sends none.
   */
  Optional<String> httpDate(SSLSocket socket) throws IOException {
    String authority = config.endpoint().authority(Transport.HTTPS);
    String request =
        "GET /"
            + config.idScope()
            + "/registrations?api-version="
            + config.apiVersion()
            + " HTTP/1.1\r\n"
            + "Host: "
            + authority
            + "\r\n"
            + "User-Agent: "
            + Version.USER_AGENT
            + " check\r\n"
            + "Connection: close\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String header = readHeader(socket.getInputStream());
    if (!header.startsWith("HTTP/")) {
      throw new IOException("the endpoint did not answer in HTTP");
    }
    return header
        .lines()
        .skip(1)
        .filter(line -> line.regionMatches(true, 0, "Date:", 0, 5))
        .map(line -> line.substring(5).strip())
        .findFirst();
  }

  /** Reads up to the blank line that ends the header, at most {@value #MAX_HEADER_BYTES} bytes. */
  private static String readHeader(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    int last4 = 0;
    int b;
    while (last4 != END_OF_HEADER && header.size() < MAX_HEADER_BYTES && (b = in.read()) >= 0) {
      header.write(b);
      last4 = last4 << 8 | b;
    }
    return header.toString(StandardCharsets.ISO_8859_1);
  }

  /** {@code host:port}, and the proxy it goes through. */
  String describe(int port) {
    return (host().contains(":") ? "[" + host() + "]" : host())
        + ":"
        + port
        + proxy().map(p -> " through proxy " + p).orElse("");
  }
}
