package io.dpsagent.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Registers many simulated symmetric-key devices of one enrollment group from one process: each
 * device registers and polls until assigned, as a real one does, with its own SAS token (its key
 * derived from the group key) and full TLS verification of the emulator against its CA. The TLS is
 * BoringSSL on a Netty event loop, so the generator costs less than the emulator it measures.
 *
 * <p>Usage: {@code LoadGen new|keepalive ENDPOINT ID_SCOPE GROUP_KEY_FILE CA_FILE DEVICES
 * CONNECTIONS MAX_SECONDS [THREADS]}. {@code new}: each device opens its own TCP and TLS connection
 * with a full handshake (no session is cached, so none is resumed), as a device that just booted;
 * {@code keepalive}: each of CONNECTIONS connections serves device after device. CONNECTIONS
 * devices are in flight at a time, on THREADS event-loop threads (default 1). The devices' tokens
 * are made before the timed window. A warm-up of min(DEVICES / 2, 1500) devices runs first, so that
 * the rate is the steady one: both JVMs are still compiling after a few hundred handshakes. Prints
 * {@code registrations=N seconds=S per_second=R failures=F connections=C verified=V warmup=W}
 * (connections: TLS handshakes of the timed window; verified: server chains accepted, both
 * windows); exits 1 if a handshake went unverified.
 */
public final class LoadGen {

  public static void main(String[] args) throws Exception {
    if (args.length < 8) {
      System.err.println(
          "usage: LoadGen new|keepalive ENDPOINT ID_SCOPE GROUP_KEY_FILE CA_FILE DEVICES"
              + " CONNECTIONS MAX_SECONDS [THREADS]");
      System.exit(2);
    }
    boolean keepalive = args[0].equals("keepalive");
    URI endpoint = URI.create(args[1]);
    String idScope = args[2];
    byte[] groupKey = Base64.getDecoder().decode(Files.readString(Path.of(args[3])).trim());
    NativeTls tls = NativeTls.trusting(Path.of(args[4]));
    int devices = Integer.parseInt(args[5]);
    int connections = Integer.parseInt(args[6]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[7]));
    int threads = args.length > 8 ? Integer.parseInt(args[8]) : 1;

    String run = Long.toString(System.nanoTime(), 36);
    List<SimulatedDevice> warmUp =
        SimulatedDevice.of("warm-" + run, Math.min(devices / 2, 1500), groupKey, idScope);
    List<SimulatedDevice> measured = SimulatedDevice.of("dev-" + run, devices, groupKey, idScope);

    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    boolean allVerified;
    try {
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
              .option(ChannelOption.TCP_NODELAY, true);
      Batch warm =
          new Batch(bootstrap, tls, endpoint, idScope, keepalive, warmUp, connections, deadline)
              .run();
      long start = System.nanoTime();
      Batch batch =
          new Batch(bootstrap, tls, endpoint, idScope, keepalive, measured, connections, deadline)
              .run();
      double seconds = (System.nanoTime() - start) / 1e9;
      int verified = tls.verifiedChains();
      System.out.printf(
          "registrations=%d seconds=%.2f per_second=%.0f failures=%d connections=%d verified=%d"
              + " warmup=%d%n",
          batch.assigned(),
          seconds,
          batch.assigned() / seconds,
          batch.failed(),
          batch.handshakes(),
          verified,
          warm.assigned());
      // A resumed session verifies no chain: one verified chain per handshake of both batches.
      allVerified = verified >= warm.handshakes() + batch.handshakes();
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (!allVerified) {
      System.err.println("LoadGen: fewer server chains verified than handshakes done");
      System.exit(1);
    }
  }
}
