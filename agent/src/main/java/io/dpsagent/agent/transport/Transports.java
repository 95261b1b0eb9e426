package io.dpsagent.agent.transport;

import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.dps.DpsTransport;
import javax.net.ssl.SSLContext;

/** Opens the configured transport. */
public final class Transports {

  private Transports() {}

  public static DpsTransport open(ProvisioningConfig config, SSLContext tls) {
    switch (config.transport()) {
      case HTTPS:
      default:
        return new HttpsTransport(config.endpoint().httpsBase(), config.apiVersion(), tls,
            config.retry().connectTimeout(), config.retry().requestTimeout());
    }
  }
}
