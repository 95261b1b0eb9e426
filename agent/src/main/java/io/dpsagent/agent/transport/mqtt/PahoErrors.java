package io.dpsagent.agent.transport.mqtt;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLHandshakeException;

/** Turns Paho's exceptions into what the DPS client understands. */
final class PahoErrors {

  private PahoErrors() {}

  /**
   * A TLS verification failure stays an {@link SSLHandshakeException} (fatal: fix the trust), a
   * credentials refusal becomes {@link MqttSession.NotAuthorizedException} (DPS's 401), a wait that
   * ran out an {@link HttpTimeoutException}, and anything else is an {@link IOException} (transient).
   */
  static IOException translate(String serverUri, Exception e, boolean notAuthorized) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException) {
        return (SSLHandshakeException) t;
      }
    }
    if (timedOut(e)) {
      return new HttpTimeoutException("no MQTT answer from " + serverUri + " in time");
    }
    if (notAuthorized) {
      return new MqttSession.NotAuthorizedException("MQTT connection refused by " + serverUri + ": " + e.getMessage());
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new IOException("MQTT " + serverUri + ": " + e.getMessage()
        + (cause != e && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""), e);
  }

  /** Paho gave up waiting (its time-to-wait, which the agent sets to what is left of the request). */
  private static boolean timedOut(Exception e) {
    return e instanceof org.eclipse.paho.client.mqttv3.MqttException v3
            && v3.getReasonCode() == org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_CLIENT_TIMEOUT
        || e instanceof org.eclipse.paho.mqttv5.common.MqttException v5
            && v5.getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_CLIENT_TIMEOUT;
  }
}
