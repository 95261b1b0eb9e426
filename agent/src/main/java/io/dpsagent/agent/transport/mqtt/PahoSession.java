package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A session over either Paho client. Paho's v3 and v5 clients share no interface and throw
 * different MqttExceptions, so each connector hands in its client's calls; their only checked
 * exception is that client's MqttException.
 */
final class PahoSession implements MqttSession {

  /**
   * A QoS 1 publish through a Paho client that waits at most {@code timeoutMillis} for the PUBACK.
   */
  interface Publish {
    void publish(String topic, byte[] payload, long timeoutMillis) throws Exception;
  }

  /** Paho's {@code disconnectForcibly(quiesceTimeout, disconnectTimeout)}. */
  interface ForcedDisconnect {
    void disconnectForcibly(long quiesceMillis, long disconnectMillis) throws Exception;
  }

  /** Paho's {@code close}: releases the client's resources. */
  interface Release {
    void close() throws Exception;
  }

  private static final long QUIESCE_MILLIS = 1000;
  private static final long DISCONNECT_MILLIS = 1000;

  private final String serverUri;
  private final BooleanSupplier connected;
  private final Publish publish;
  private final ForcedDisconnect disconnect;
  private final Release release;

  PahoSession(
      String serverUri,
      BooleanSupplier connected,
      Publish publish,
      ForcedDisconnect disconnect,
      Release release) {
    this.serverUri = serverUri;
    this.connected = connected;
    this.publish = publish;
    this.disconnect = disconnect;
    this.release = release;
  }

  @Override
  public boolean isConnected() {
    return connected.getAsBoolean();
  }

  @Override
  public void publish(String topic, byte[] payload, Deadline deadline) throws IOException {
    long timeoutMillis = deadline.millisLeft();
    try {
      publish.publish(topic, payload, timeoutMillis);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw PahoErrors.translate(serverUri, e, false);
    }
  }

  @Override
  public void close() {
    try {
      if (connected.getAsBoolean()) {
        disconnect.disconnectForcibly(QUIESCE_MILLIS, DISCONNECT_MILLIS);
      }
      release.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // closing a broken client can fail; nothing is left to release
    }
  }
}
