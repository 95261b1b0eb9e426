package io.dpsagent.emulator.http;

import io.dpsagent.emulator.net.Listener;
import io.dpsagent.emulator.service.ServiceApi;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The DPS service API over HTTPS, on its own port. */
public final class HttpsServiceServer implements AutoCloseable {

  // Bulk enrollment requests carry up to some thousand enrollments.
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final Listener listener;

  private HttpsServiceServer(Listener listener) {
    this.listener = listener;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one) until {@link #close()}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpsServiceServer start(
      InetSocketAddress address, SslContext sslContext, ServiceApi api) throws IOException {
    return new HttpsServiceServer(
        HttpsListener.start(
            address,
            sslContext,
            new ServiceApiHandler(api),
            MAX_BODY_BYTES,
            "dps-emulator-service"));
  }

  public int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }
}
