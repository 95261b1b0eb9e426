package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;

/**
 * One connected MQTT client, whichever protocol version: all the DPS transport needs from Paho.
 * Implementations deliver every received publish to the listener given at connect time.
 */
interface MqttSession extends AutoCloseable {

  /** Receives replies and the loss of the connection. */
  interface Listener {
    void onMessage(String topic, byte[] payload);

    void onConnectionLost(Throwable cause);
  }

  /** Opens sessions; one per connection attempt. */
  @FunctionalInterface
  interface Connector {
    /**
     * Connects and subscribes to the DPS reply topics, within {@code deadline}.
     *
     * @param password the SAS token, or null for TLS client authentication
     * @throws NotAuthorizedException if the server refused the credentials in CONNACK
     */
    MqttSession connect(String username, String password, Listener listener, Deadline deadline)
        throws IOException;
  }

  /** The broker refused the connection for its credentials (CONNACK return/reason code). */
  final class NotAuthorizedException extends IOException {
    NotAuthorizedException(String message) {
      super(message);
    }
  }

  /** Whether the connection is still up; a dropped one is replaced before the next request. */
  boolean isConnected();

  /** Publishes at QoS 1, waiting for the PUBACK until {@code deadline} at most. */
  void publish(String topic, byte[] payload, Deadline deadline) throws IOException;

  @Override
  void close();
}
