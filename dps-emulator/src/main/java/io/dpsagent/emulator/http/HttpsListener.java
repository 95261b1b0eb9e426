package io.dpsagent.emulator.http;

import io.dpsagent.emulator.net.Listener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * An HTTP/1.1-over-TLS listener handing whole requests ({@code FullHttpRequest}) to one sharable
 * handler: the device API and the service API both serve on one.
 */
final class HttpsListener {

  private HttpsListener() {}

  /**
   * Listens on {@code address} (port 0 picks a free one) until the listener is closed.
   *
   * @param threadName prefix of the event loop threads' names
   * @throws IOException if the address cannot be bound
   */
  static Listener start(
      InetSocketAddress address,
      SslContext sslContext,
      ChannelHandler handler,
      int maxBodyBytes,
      String threadName)
      throws IOException {
    return start(
        address, sslContext, pipeline -> pipeline.addLast(handler), maxBodyBytes, threadName);
  }

  /**
   * Like {@link #start(InetSocketAddress, SslContext, ChannelHandler, int, String)}, with {@code
   * handlers} adding what follows the HTTP codec and aggregator on each connection.
   */
  static Listener start(
      InetSocketAddress address,
      SslContext sslContext,
      Consumer<ChannelPipeline> handlers,
      int maxBodyBytes,
      String threadName)
      throws IOException {
    return Listener.start(
        threadName,
        address,
        channel -> {
          channel
              .pipeline()
              .addLast(sslContext.newHandler(channel.alloc()))
              .addLast(new HttpServerCodec())
              .addLast(new HttpObjectAggregator(maxBodyBytes));
          handlers.accept(channel.pipeline());
        });
  }
}
