package io.dpsagent.emulator.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1-over-TLS listener handing whole requests ({@code FullHttpRequest}) to one sharable
 * handler. A building block for servers other than the device API's.
 */
final class HttpsListener implements AutoCloseable {

  private static final int EVENT_LOOP_THREADS = 2;

  private final EventLoopGroup group;
  private final Channel serverChannel;

  private HttpsListener(EventLoopGroup group, Channel serverChannel) {
    this.group = group;
    this.serverChannel = serverChannel;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one) until {@link #close()}.
   *
   * @param threadName prefix of the event loop threads' names
   * @throws IOException if the address cannot be bound
   */
  static HttpsListener start(
      InetSocketAddress address,
      SslContext sslContext,
      ChannelHandler handler,
      int maxBodyBytes,
      String threadName)
      throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS,
            new DefaultThreadFactory(threadName, true),
            NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(sslContext.newHandler(channel.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(maxBodyBytes))
                        .addLast(handler);
                  }
                });
    try {
      Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
      return new HttpsListener(group, channel);
    } catch (Exception e) {
      // Netty rethrows the bind failure (a checked BindException) without declaring it.
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Stops listening, closes open connections and returns once the port is free. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
