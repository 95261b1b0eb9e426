package io.dpsagent.agent.transport.mqtt;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/** Turns Paho's exceptions into what the DPS client understands. */
final class PahoErrors {

  private PahoErrors() {}

  /**
   * A TLS verification failure stays an {@link SSLHandshakeException} (fatal: fix the trust), a
   * credentials refusal becomes {@link MqttSession.NotAuthorizedException} (DPS's 401), and anything
   * else is an {@link IOException} (transient).
   */
  static IOException translate(String serverUri, Exception e, boolean notAuthorized) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException) {
        return (SSLHandshakeException) t;
      }
    }
    if (notAuthorized) {
      return new MqttSession.NotAuthorizedException("MQTT connection refused by " + serverUri + ": " + e.getMessage());
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new IOException("MQTT " + serverUri + ": " + e.getMessage()
        + (cause != e && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""), e);
  }
}
