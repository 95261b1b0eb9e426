package io.dpsagent.agent.transport.mqtt;

import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.internal.CommsCallback;
import org.eclipse.paho.client.mqttv3.internal.CommsReceiver;
import org.eclipse.paho.client.mqttv3.internal.CommsSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Paho's synchronous MQTT 3.1.1 client on threads of its own ({@link PahoThreads}), in memory, with
 * a disconnect that returns once DISCONNECT is written: Paho's own {@code disconnect} waits without
 * a bound, and its {@code disconnectForcibly} always waits out its whole timeout.
 */
public final class PahoV3Client extends MqttClient {

  static {
    PahoLog.install();
  }

  /** Paho's loops, whose start {@link PahoThreads} watches. */
  private static final List<PahoThreads.Loop<?>> LOOPS =
      List.of(
          new PahoThreads.Loop<>(CommsReceiver.class, CommsReceiver::isRunning),
          new PahoThreads.Loop<>(CommsSender.class, CommsSender::isRunning),
          new PahoThreads.Loop<>(CommsCallback.class, CommsCallback::isRunning));

  private final PahoThreads threads;

  private PahoV3Client(String serverUri, String clientId, PahoThreads threads)
      throws MqttException {
    super(serverUri, clientId, new MemoryPersistence(), threads);
    this.threads = threads;
  }

  /**
   * @throws MqttException if Paho refuses {@code serverUri}
   */
  public PahoV3Client(String serverUri, String clientId) throws MqttException {
    this(serverUri, clientId, new PahoThreads("mqtt3 " + clientId, LOOPS));
  }

  /**
   * Sends DISCONNECT after at most {@code quiesceMillis} for work in flight, and waits at most
   * {@code sentMillis} for it to be written; the shutdown that follows runs on the client's
   * threads.
   *
   * @throws MqttException if it was not written in time ({@link #disconnectForcibly(long, long,
   *     boolean)} then drops the connection) or the client is not connected
   */
  public void disconnect(long quiesceMillis, long sentMillis) throws MqttException {
    aClient.disconnect(quiesceMillis, null, null).waitForCompletion(sentMillis);
  }

  /** Releases the client and lets its threads end once their last task is done. */
  public void release() throws MqttException {
    try {
      close(true);
    } finally {
      threads.shutdown();
    }
  }
}
