package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * What every MQTT client connection needs, whichever protocol version speaks over it.
 *
 * @param serverUri Paho's server URI ({@code ssl://host:port} or {@code wss://host:port/path})
 * @param clientId the MQTT client ID: the registration ID, as DPS requires
 * @param socketFactory TLS sockets (possibly through a proxy tunnel)
 */
record ClientSettings(
    String serverUri, String clientId, SocketFactory socketFactory, Duration connectTimeout) {

  /** MQTT keep-alive: Paho pings a quiet connection this often. */
  static final int KEEP_ALIVE_SECONDS = 60;

  /** Paho refused {@link #serverUri} when making its client. */
  IOException invalidUri(Exception cause) {
    return new IOException("invalid MQTT server URI " + serverUri, cause);
  }

  /**
   * Seconds for Paho's connect timeout: the connect timeout, or less when {@code deadline} is
   * nearer, rounded up. Paho reads 0 as "wait forever", so never 0; the caller's own wait (Paho's
   * time-to-wait, in milliseconds) keeps the request within its deadline.
   */
  int connectTimeoutSeconds(Deadline deadline) {
    Duration bound = deadline.capped(connectTimeout).remaining();
    return (int) Math.max(1, (bound.toMillis() + 999) / 1000);
  }
}
