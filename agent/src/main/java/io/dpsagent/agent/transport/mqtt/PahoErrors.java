package io.dpsagent.agent.transport.mqtt;

import io.dpsagent.agent.transport.ConnectionFailures;
import io.dpsagent.agent.transport.ProtocolMismatchException;
import io.dpsagent.agent.transport.ProtocolProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Turns Paho's exceptions into what the DPS client understands: a credentials refusal becomes
 * {@link MqttSession.NotAuthorizedException} (DPS's 401); anything else an {@link IOException} that
 * keeps Paho's exception as its cause, for {@link ConnectionFailures} to classify.
 */
final class PahoErrors {

  private PahoErrors() {}

  /** A failure of an established session (publish); a wait that ran out is a timeout. */
  static IOException translate(String serverUri, Exception e, boolean notAuthorized) {
    if (timedOut(e)) {
      return new HttpTimeoutException("no MQTT answer from " + serverUri + " in time");
    }
    if (notAuthorized) {
      return new MqttSession.NotAuthorizedException(
          "MQTT connection refused by " + serverUri + ": " + e.getMessage());
    }
    return new IOException("MQTT " + serverUri + ": " + e.getMessage(), e);
  }

  /**
   * A failed connect. When TLS worked but what came back was not MQTT, the port is asked whether it
   * speaks HTTP, so that an HTTPS port given to an MQTT transport is reported as such.
   */
  static IOException connectFailed(ClientSettings settings, Exception e, boolean notAuthorized) {
    IOException failure = translate(settings.serverUri(), e, notAuthorized);
    URI uri = URI.create(settings.serverUri());
    if (notAuthorized
        || !"ssl".equals(uri.getScheme())
        || !ConnectionFailures.mqttGotNoMqtt(failure)
        || !(settings.socketFactory() instanceof SSLSocketFactory tls)) {
      return failure;
    }
    if (new ProtocolProbe(tls, settings.connectTimeout())
        .answersHttp(uri.getHost(), uri.getPort())) {
      return new ProtocolMismatchException(
          "mqtts://"
              + uri.getAuthority()
              + " answers HTTPS, not MQTT: name the"
              + " MQTT port in global_endpoint (8883 on DPS), or set transport = \"https\"",
          failure);
    }
    return failure;
  }

  /**
   * Paho gave up waiting (its time-to-wait, which the agent sets to what is left of the request).
   */
  private static boolean timedOut(Exception e) {
    return e instanceof org.eclipse.paho.client.mqttv3.MqttException v3
            && v3.getReasonCode()
                == org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_CLIENT_TIMEOUT
        || e instanceof org.eclipse.paho.mqttv5.common.MqttException v5
            && v5.getReasonCode()
                == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_CLIENT_TIMEOUT;
  }
}
