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
   * How long close waits for the DISCONNECT packet to be written. Paho's {@code disconnectForcibly}
   * completes that wait only when it ends, never when the packet is out (the token is marked done
   * after the wait, by the shutdown that follows it): every close lasts this long in full. The
   * packet is two bytes handed to the sender thread, written within a millisecond on a quiet
   * machine; without it the broker sees the connection drop, which for a clean session with no will
   * message changes nothing. (At 1 s this was most of the difference between a provisioning run
   * over MQTT and one over HTTPS: docs/benchmarks.md.)
   */
  private static final long DISCONNECT_MILLIS = 100;

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

  /** Paho's {@code disconnectForcibly(quiesceTimeout, disconnectTimeout)}. */
  abstract void disconnectForcibly(long quiesceMillis, long disconnectMillis) throws Exception;

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
        disconnectForcibly(QUIESCE_MILLIS, DISCONNECT_MILLIS);
      }
      release();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // closing a broken client can fail; nothing is left to release
    }
  }
}
