package io.dpsagent.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run of devices over a fixed number of connection slots: each slot opens a connection, lets its
 * {@link DeviceExchange} register one device (or, kept alive, device after device) and, when the
 * connection ends, opens the next, until the devices or the time run out. Every device is taken
 * once, so the connections are bounded by the devices.
 */
final class Batch {

  private static final int TIMEOUT_SECONDS = 10;

  private final Bootstrap bootstrap;
  private final NativeTls tls;
  private final URI endpoint;
  private final String idScope;
  private final boolean keepConnections;
  private final List<SimulatedDevice> devices;
  private final long deadlineNanos;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger assigned = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final CountDownLatch slotsDone;
  private final int slots;

  Batch(
      Bootstrap bootstrap,
      NativeTls tls,
      URI endpoint,
      String idScope,
      boolean keepConnections,
      List<SimulatedDevice> devices,
      int slots,
      long deadlineNanos) {
    this.bootstrap = bootstrap;
    this.tls = tls;
    this.endpoint = endpoint;
    this.idScope = idScope;
    this.keepConnections = keepConnections;
    this.devices = devices;
    this.slots = slots;
    this.slotsDone = new CountDownLatch(slots);
    this.deadlineNanos = deadlineNanos;
  }

  /** Starts every slot and waits until all have ended or the deadline passed. */
  Batch run() throws InterruptedException {
    for (int i = 0; i < slots; i++) {
      openConnection();
    }
    slotsDone.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    return this;
  }

  int assigned() {
    return assigned.get();
  }

  int failed() {
    return failed.get();
  }

  int handshakes() {
    return handshakes.get();
  }

  boolean keepsConnections() {
    return keepConnections;
  }

  /** The next device, or null when all are taken or the time is up. */
  SimulatedDevice take() {
    if (System.nanoTime() >= deadlineNanos) {
      return null;
    }
    int i = next.getAndIncrement();
    return i < devices.size() ? devices.get(i) : null;
  }

  void handshakeDone() {
    handshakes.incrementAndGet();
  }

  void deviceDone(boolean ok) {
    (ok ? assigned : failed).incrementAndGet();
  }

  void connectionEnded() {
    openConnection();
  }

  private void openConnection() {
    SimulatedDevice device = take();
    if (device == null) {
      slotsDone.countDown();
      return;
    }
    String host = endpoint.getHost();
    int port = endpoint.getPort() < 0 ? 443 : endpoint.getPort();
    String hostHeader = endpoint.getPort() < 0 ? host : host + ":" + port;
    bootstrap
        .clone()
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(tls.context().newHandler(channel.alloc(), host, port))
                    .addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS))
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(1 << 16))
                    .addLast(new DeviceExchange(Batch.this, hostHeader, idScope, device));
              }
            })
        .connect(host, port)
        .addListener(
            connected -> {
              if (!connected.isSuccess()) {
                deviceDone(false);
                openConnection();
              }
            });
  }
}
