package io.dpsagent.agent.flow;

import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.Transport;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.transport.http.HttpsTransport;
import io.dpsagent.agent.transport.mqtt.MqttTransport;
import javax.net.ssl.SSLContext;

/** Opens the configured transport. */
public final class Transports {

  private Transports() {}

  public static DpsTransport open(
      ProvisioningConfig config, String registrationId, SSLContext tls) {
    if (config.transport() == Transport.HTTPS) {
      return new HttpsTransport(
          config.endpoint().httpsBase(),
          config.apiVersion(),
          tls,
          config.retry().connectTimeout(),
          config.proxy());
    }
    return MqttTransport.open(config, registrationId, tls);
  }
}
