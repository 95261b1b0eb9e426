package io.dpsagent.emulator.http;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.RequestLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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

/** The DPS device API over HTTPS (HTTP/1.1 on TLS 1.2/1.3), served by Netty. */
public final class HttpsDeviceServer implements AutoCloseable {

  // Register bodies are a few hundred bytes; a TPM registration with EK and SRK stays under 2 KiB.
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int EVENT_LOOP_THREADS = 2;

  private final EventLoopGroup group;
  private final Channel serverChannel;

  private HttpsDeviceServer(EventLoopGroup group, Channel serverChannel) {
    this.group = group;
    this.serverChannel = serverChannel;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one) until {@link #close()}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpsDeviceServer start(
      InetSocketAddress address, SslContext sslContext, DeviceApi api, RequestLog requestLog)
      throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS,
            new DefaultThreadFactory("dps-emulator-https", true),
            NioIoHandler.newFactory());
    DeviceApiHandler handler = new DeviceApiHandler(api, requestLog);
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
                        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                        .addLast(handler);
                  }
                });
    try {
      Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
      return new HttpsDeviceServer(group, channel);
    } catch (Exception e) {
      // Netty rethrows the bind failure (a checked BindException) without declaring it.
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Stops listening, closes open connections and returns once the port is free. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
