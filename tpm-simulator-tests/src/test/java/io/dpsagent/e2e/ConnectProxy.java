package io.dpsagent.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP CONNECT proxy on loopback, for tests: it tunnels to loopback targets only,
 * optionally demands Basic credentials (407 otherwise), and records each CONNECT it saw.
 */
final class ConnectProxy implements AutoCloseable {

  /** What a client asked for. */
  record Tunnel(String target, Optional<String> proxyAuthorization, int status) {}

  private final ServerSocket server;
  private final Optional<String> requiredAuthorization;
  private final ExecutorService threads = DaemonThreads.cachedPool("connect-proxy");
  private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private ConnectProxy(Optional<String> requiredAuthorization) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.requiredAuthorization = requiredAuthorization;
    threads.execute(this::acceptLoop);
  }

  static ConnectProxy open() throws IOException {
    return new ConnectProxy(Optional.empty());
  }

  /** A proxy that requires {@code Proxy-Authorization: Basic base64(user:password)}. */
  static ConnectProxy requiring(String user, String password) throws IOException {
    return new ConnectProxy(
        Optional.of(
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))));
  }

  String uri() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  String uriWithCredentials(String user, String password) {
    return "http://" + user + ":" + password + "@127.0.0.1:" + server.getLocalPort();
  }

  List<Tunnel> tunnels() {
    return List.copyOf(tunnels);
  }

  /** The tunnels without repeats: a run may open one per request. */
  List<Tunnel> distinctTunnels() {
    return tunnels.stream().distinct().toList();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try {
      client.setSoTimeout(10_000);
      String header = readHeader(client.getInputStream());
      String[] requestLine = header.lines().findFirst().orElse("").split(" ");
      Optional<String> auth =
          header
              .lines()
              .filter(l -> l.toLowerCase().startsWith("proxy-authorization:"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst();
      String target = requestLine.length > 1 ? requestLine[1] : "";
      if (requestLine.length < 3 || !requestLine[0].equals("CONNECT")) {
        answer(client, target, auth, 405);
        return;
      }
      if (requiredAuthorization.isPresent() && !requiredAuthorization.equals(auth)) {
        answer(client, target, auth, 407);
        return;
      }
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon).replace("[", "").replace("]", "");
      InetAddress address = InetAddress.getByName(host);
      if (!address.isLoopbackAddress()) {
        answer(client, target, auth, 403); // tests never leave the machine
        return;
      }
      Socket upstream = new Socket();
      upstream.connect(
          new InetSocketAddress(address, Integer.parseInt(target.substring(colon + 1))), 5000);
      open.add(upstream);
      answer(client, target, auth, 200);
      client.setSoTimeout(0);
      threads.execute(() -> pipe(upstream, client));
      pipe(client, upstream);
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
    }
  }

  private void answer(Socket client, String target, Optional<String> auth, int status)
      throws IOException {
    tunnels.add(new Tunnel(target, auth, status));
    String reason =
        status == 200
            ? "Connection established"
            : status == 407 ? "Proxy Authentication Required" : "Refused";
    String response =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\n"
            + (status == 407 ? "Proxy-Authenticate: Basic realm=\"test\"\r\n" : "")
            + (status == 200 ? "" : "Content-Length: 0\r\nConnection: close\r\n")
            + "\r\n";
    client.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
    client.getOutputStream().flush();
    if (status != 200) {
      client.close();
    }
  }

  private static void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static String readHeader(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    while (header.size() < 16_384) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      header.write(b);
      String text = header.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        break;
      }
    }
    return header.toString(StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(ConnectProxy::closeQuietly);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
