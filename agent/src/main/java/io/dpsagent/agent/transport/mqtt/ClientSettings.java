package io.dpsagent.agent.transport.mqtt;

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
    String serverUri, String clientId, SocketFactory socketFactory, Duration connectTimeout, Duration requestTimeout) {

  /** Seconds for Paho's connect timeout; Paho reads 0 as "wait forever", so never 0. */
  int connectTimeoutSeconds() {
    return (int) Math.max(1, connectTimeout.toSeconds());
  }
}
