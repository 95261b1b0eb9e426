package io.dpsagent.emulator.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A listening TCP port whose connections get a pipeline from {@code initializer}, on Netty. */
public final class Listener implements AutoCloseable {

  private static final int EVENT_LOOP_THREADS = 2;

  private final EventLoopGroup group;
  private final Channel serverChannel;

  private Listener(EventLoopGroup group, Channel serverChannel) {
    this.group = group;
    this.serverChannel = serverChannel;
  }

  /**
   * Listens on {@code address} (port 0 picks a free one) until {@link #close()}.
   *
   * @param name names the daemon threads, e.g. {@code dps-emulator-https}
   * @param initializer fills the pipeline of each accepted connection
   * @throws IOException if the address cannot be bound
   */
  public static Listener start(
      String name, InetSocketAddress address, Consumer<SocketChannel> initializer)
      throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    initializer.accept(channel);
                  }
                });
    try {
      Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
      return new Listener(group, channel);
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
