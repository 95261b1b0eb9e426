package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;

/**
 * A session over either Paho client. Paho's v3 and v5 clients share no interface and throw
 * different MqttExceptions, so each connector subclasses this with its client's calls (whose only
 * checked exception is that client's MqttException); the connect sequence, the waits and the
 * translation of failures are the same for both and live here.
 */
abstract class PahoSession implements MqttSession {

  private static final long QUIESCE_MILLIS = 1000;

  /**
   * How long close waits for the DISCONNECT packet to be written; past it the connection is dropped
   * without it. The wait ends as soon as the packet is out (two bytes, within a millisecond on a
   * quiet machine); the rest of the shutdown then runs on the client's own threads. Paho's
   * synchronous {@code disconnect} has no bound and its {@code disconnectForcibly} always waits its
   * whole timeout, which was most of the difference between a provisioning run over MQTT and one
   * over HTTPS (docs/benchmarks.md).
   */
  private static final long DISCONNECT_MILLIS = 1000;

  private final ClientSettings settings;

  PahoSession(ClientSettings settings) {
    this.settings = settings;
  }

  /** Paho's {@code setTimeToWait}: how long the next blocking call waits at most. */
  abstract void setTimeToWait(long millis) throws Exception;

  /** Sends CONNECT with the options the connector built. */
  abstract void connectClient() throws Exception;

  /** Subscribes at QoS 1. */
  abstract void subscribe(String filter) throws Exception;

  /** Publishes at QoS 1, not retained. */
  abstract void publishClient(String topic, byte[] payload) throws Exception;

  /**
   * Sends DISCONNECT after at most {@code quiesceMillis} for work in flight, and waits at most
   * {@code sentMillis} for it to be written; the shutdown that follows runs on Paho's threads.
   */
  abstract void disconnect(long quiesceMillis, long sentMillis) throws Exception;

  /** Paho's {@code disconnectForcibly}: drops the connection without DISCONNECT. */
  abstract void dropConnection() throws Exception;

  /** Paho's {@code close}: releases the client's resources. */
  abstract void release() throws Exception;

  /** Whether {@code e}, thrown by the connect, is the broker refusing the credentials. */
  abstract boolean refusedCredentials(Exception e);

  /**
   * Connects and subscribes to the DPS replies within {@code deadline}; on failure the client is
   * released and the failure translated ({@link PahoErrors#connectFailed}).
   */
  final MqttSession open(Deadline deadline) throws IOException {
    try {
      setTimeToWait(deadline.millisLeft());
      connectClient();
      setTimeToWait(deadline.millisLeft());
      subscribe(DpsTopics.REPLY_FILTER);
    } catch (IOException e) {
      close();
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      close();
      throw PahoErrors.connectFailed(settings, e, refusedCredentials(e));
    }
    return this;
  }

  @Override
  public void publish(String topic, byte[] payload, Deadline deadline) throws IOException {
    try {
      setTimeToWait(deadline.millisLeft());
      publishClient(topic, payload);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw PahoErrors.translate(settings.serverUri(), e, false);
    }
  }

  @Override
  public void close() {
    try {
      if (isConnected()) {
        try {
          disconnect(QUIESCE_MILLIS, DISCONNECT_MILLIS);
        } catch (Exception notWritten) {
          dropConnection();
        }
      }
      release();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // closing a broken client can fail; nothing is left to release
    }
  }
}
