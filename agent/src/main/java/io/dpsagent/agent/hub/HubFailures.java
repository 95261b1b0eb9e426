package io.dpsagent.agent.hub;

import io.dpsagent.agent.tls.ServerCertificateException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * What a failed hub connection means. Only a CONNACK that refuses the credential says the identity
 * is wrong; everything else says the hub could not be asked, which waiting may cure.
 */
final class HubFailures {

  private HubFailures() {}

  /** CONNACK 4 (bad user name or password) or 5 (not authorized). */
  static boolean refusedCredential(MqttException e) {
    return e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
        || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED;
  }

  /** The refusal's CONNACK, as people read it. */
  static String connack(MqttException e) {
    return "CONNACK "
        + e.getReasonCode()
        + (e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
            ? " (not authorized)"
            : " (bad user name or password)");
  }

  /** Why the hub at {@code endpoint} could not be asked, in one line naming what to check. */
  static String unreachable(MqttException e, String endpoint, long timeoutSeconds) {
    List<Throwable> chain = causes(e);
    for (Throwable t : chain) {
      if (t instanceof ServerCertificateException c) {
        // Its fix names DPS's trust key; the hub's trust is hub.ca_file.
        return "TLS with "
            + endpoint
            + ": "
            + c.getMessage().replace("provisioning.trust_bundle", "hub.ca_file");
      }
    }
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException) {
        return "cannot resolve the host name of " + endpoint + " (DNS)";
      }
      if (t instanceof CertificateException || t instanceof SSLException) {
        return "TLS with "
            + endpoint
            + " failed ("
            + t.getMessage()
            + "); check hub.ca_file and the hub's certificate";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return endpoint + ": connection refused or unreachable; check hub.port";
      }
      if (t instanceof SocketTimeoutException) {
        return "no answer from " + endpoint + " within " + timeoutSeconds + " s";
      }
    }
    if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
      return "no CONNACK from " + endpoint + " within " + timeoutSeconds + " s";
    }
    return endpoint + ": MQTT " + e.getMessage() + " (reason code " + e.getReasonCode() + ")";
  }

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
