package io.dpsagent.agent.transport;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.AgentException.Kind;
import io.dpsagent.agent.tls.ServerCertificateException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one place that decides what a failed connection means: whether waiting may cure it ({@link
 * Kind#TRANSIENT}: resets, drops, DNS, timeouts, a peer that hangs up mid-handshake) or a person
 * must act (a certificate that fails verification, a protocol the endpoint refuses), and the one
 * line that tells them what to do. Every transport's {@link IOException}, whatever it wraps (SSL,
 * Paho MQTT, proxy), is read here and nowhere else.
 *
 * <p>The class is long on purpose: the order of the tests in {@link #classify} is the policy (a
 * protocol mismatch before a proxy failure before a certificate before a handshake before a CONNACK
 * code), and it is only reviewable while every rule and every message sits in one file.
 */
public final class ConnectionFailures {

  /** JDK wording of a ServerHello with a version the client does not enable, e.g. "TLS11". */
  private static final Pattern SERVER_SELECTED =
      Pattern.compile("server selected protocol version (TLS|SSL)(\\d)(\\d)");

  private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

  /** Alerts by which a server says it shares no TLS version or cipher suite with the agent. */
  private static final Set<String> NEGOTIATION_ALERTS =
      Set.of("protocol_version", "handshake_failure", "insufficient_security");

  /** Alerts by which a server refuses the device's client certificate. */
  private static final Set<String> CLIENT_CERTIFICATE_ALERTS =
      Set.of(
          "bad_certificate",
          "certificate_required",
          "unknown_ca",
          "certificate_unknown",
          "certificate_revoked",
          "certificate_expired",
          "unsupported_certificate",
          "access_denied");

  /** Paho v5's code for a CONNACK whose reason code MQTT 5 does not define: a 3.1.1 server's. */
  private static final int V5_INVALID_RETURN_CODE = 50001;

  private static final int V5_UNSUPPORTED_PROTOCOL_VERSION = 0x84;

  /** MQTT 5 CONNACK reason codes that say "never with these settings", not "not now". */
  private static final Set<Integer> V5_PERMANENT =
      Set.of(0x81, 0x82, 0x84, 0x85, 0x8A, 0x8C, 0x9C, 0x9D);

  /** Paho's (v3 and v5) "timed out waiting for a response": a silent server, not a foreign one. */
  private static final int PAHO_TIMEOUT = 32000;

  private static final int V3_UNACCEPTABLE_PROTOCOL_VERSION = 1;
  private static final int V3_IDENTIFIER_REJECTED = 2;
  private static final int V3_SERVER_UNAVAILABLE = 3;

  private ConnectionFailures() {}

  /**
   * What {@code e}, raised talking to {@code endpoint}, means; transient unless known to be
   * permanent.
   */
  public static AgentException classify(IOException e, String endpoint) {
    List<Throwable> chain = causes(e);
    Optional<AgentException> known =
        first(chain, ProtocolMismatchException.class)
            .map(m -> new AgentException(Kind.CONFIG, m.getMessage(), e))
            .or(
                () ->
                    first(chain, ProxyException.class)
                        .map(p -> transientFailure(p.getMessage(), e)))
            .or(
                () ->
                    first(chain, ServerCertificateException.class)
                        .map(c -> new AgentException(Kind.CONFIG, "TLS: " + c.getMessage(), e)))
            .or(
                () ->
                    first(chain, CertificateException.class)
                        .map(
                            c ->
                                new AgentException(
                                    Kind.CONFIG,
                                    "TLS: the certificate of "
                                        + endpoint
                                        + " was refused ("
                                        + c.getMessage()
                                        + "); check provisioning.trust_bundle and the server's certificate",
                                    e)))
            .or(() -> first(chain, SSLHandshakeException.class).map(h -> handshake(h, endpoint, e)))
            .or(
                () ->
                    first(chain, SSLException.class)
                        .filter(ConnectionFailures::plaintextAnswer)
                        .map(
                            s ->
                                new AgentException(
                                    Kind.CONFIG,
                                    endpoint
                                        + " does not answer in TLS; global_endpoint must"
                                        + " name the TLS port of the service (443 for https and mqtt-ws, 8883 for mqtt)",
                                    e)))
            .or(() -> mqtt(chain, endpoint, e));
    return known.orElseGet(() -> transientFailure(describe(chain, endpoint), e));
  }

  /**
   * True when the server accepted the connection and then closed it without a byte of answer: a
   * dropped connection, or a server of another protocol (an MQTT broker ignores an HTTP request).
   */
  public static boolean closedWithoutAnswer(IOException e) {
    return e.getMessage() != null && e.getMessage().contains("header parser received no bytes")
        || e instanceof EOFException;
  }

  /**
   * True when the MQTT connection failed after TLS succeeded, on something that is not MQTT (a
   * malformed packet, a lost connection before CONNACK): worth asking whether the port speaks HTTP.
   */
  public static boolean mqttGotNoMqtt(IOException e) {
    List<Throwable> chain = causes(e);
    if (first(chain, SSLException.class).isPresent()
        || first(chain, ProxyException.class).isPresent()
        || first(chain, ConnectException.class).isPresent()
        || first(chain, UnknownHostException.class).isPresent()
        || first(chain, SocketTimeoutException.class).isPresent()) {
      return false;
    }
    return mqttReasonCode(chain)
        .map(
            code ->
                code == 0 || code > 0xFF && code != V5_INVALID_RETURN_CODE && code != PAHO_TIMEOUT)
        .orElse(false);
  }

  private static boolean plaintextAnswer(SSLException e) {
    return e.getMessage() != null
        && e.getMessage().contains("Unsupported or unrecognized SSL message");
  }

  private static AgentException handshake(SSLHandshakeException h, String endpoint, IOException e) {
    String message = h.getMessage() == null ? "" : h.getMessage();
    Matcher selected = SERVER_SELECTED.matcher(message);
    if (selected.find()) {
      return new AgentException(
          Kind.CONFIG,
          "TLS: "
              + endpoint
              + " offers only "
              + selected.group(1)
              + " "
              + selected.group(2)
              + "."
              + selected.group(3)
              + "; the agent requires TLS 1.2 or later",
          e);
    }
    Matcher alert = ALERT.matcher(message);
    if (alert.find() && NEGOTIATION_ALERTS.contains(alert.group(1))) {
      return new AgentException(
          Kind.CONFIG,
          "TLS: "
              + endpoint
              + " refused the handshake ("
              + alert.group(1)
              + "): it accepts none of the TLS versions and cipher suites the agent offers (TLS 1.2 or later)",
          e);
    }
    if (alert.find(0) && CLIENT_CERTIFICATE_ALERTS.contains(alert.group(1))) {
      return new AgentException(
          Kind.ATTESTATION_REJECTED,
          "TLS: "
              + endpoint
              + " refused the device certificate ("
              + alert.group(1)
              + "); check identity_cert and its CA",
          e);
    }
    return transientFailure(
        endpoint
            + " closed the connection during the TLS handshake"
            + (message.isEmpty() || message.contains("terminated the handshake")
                ? ""
                : " (" + message + ")"),
        e);
  }

  /** Permanent refusals in a CONNACK; empty for everything else. */
  private static Optional<AgentException> mqtt(
      List<Throwable> chain, String endpoint, IOException e) {
    Optional<Integer> code = mqttReasonCode(chain);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    boolean v5 = first(chain, org.eclipse.paho.mqttv5.common.MqttException.class).isPresent();
    int c = code.get();
    if (!v5 && c == V3_SERVER_UNAVAILABLE) {
      return Optional.of(
          transientFailure(endpoint + " answered MQTT CONNECT with 'server unavailable'", e));
    }
    Optional<String> refusal = v5 ? v5Refusal(c, chain) : v3Refusal(c);
    return refusal.map(why -> new AgentException(Kind.REFUSED, endpoint + why, e));
  }

  /** What an MQTT 5 CONNACK refusal that retrying cannot change says, after the endpoint. */
  private static Optional<String> v5Refusal(int code, List<Throwable> chain) {
    if (code == V5_INVALID_RETURN_CODE || code == V5_UNSUPPORTED_PROTOCOL_VERSION) {
      return Optional.of(
          " refused MQTT 5 (it answered as an MQTT 3.1.1 server: unacceptable protocol version);"
              + " DPS speaks MQTT 3.1.1, set transport = \"mqtt\"");
    }
    if (V5_PERMANENT.contains(code)) {
      return Optional.of(
          " refused the MQTT connection (reason code 0x"
              + Integer.toHexString(code).toUpperCase(Locale.ROOT)
              + ": "
              + paho(chain)
              + ")");
    }
    return Optional.empty();
  }

  /** What an MQTT 3.1.1 CONNACK refusal that retrying cannot change says, after the endpoint. */
  private static Optional<String> v3Refusal(int code) {
    return switch (code) {
      case V3_UNACCEPTABLE_PROTOCOL_VERSION ->
          Optional.of(
              " refused MQTT 3.1.1 (unacceptable protocol version); if it speaks only MQTT 5, set"
                  + " transport = \"mqtt5\"");
      case V3_IDENTIFIER_REJECTED ->
          Optional.of(
              " refused the MQTT client ID (the registration ID); check"
                  + " provisioning.attestation.registration_id");
      default -> Optional.empty();
    };
  }

  /** The transient failure's one line, from the most telling exception in the chain. */
  private static String describe(List<Throwable> chain, String endpoint) {
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        String host = t.getMessage() == null ? endpoint : t.getMessage().replaceFirst(":.*", "");
        return "cannot resolve the host name " + host + " (DNS)";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return t.getMessage() != null && t.getMessage().startsWith("no ")
            ? t.getMessage()
            : "no answer within the timeout";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return "connection refused or unreachable";
      }
      if (t instanceof SocketException
          && t.getMessage() != null
          && t.getMessage().contains("reset")) {
        return "the connection was reset by " + endpoint;
      }
      if (t instanceof EOFException
          || t.getMessage() != null && t.getMessage().contains("no bytes")) {
        return endpoint + " closed the connection without answering";
      }
    }
    Optional<String> paho = mqttReasonCode(chain).map(code -> "MQTT: " + paho(chain));
    return paho.orElseGet(() -> messageOf(chain));
  }

  /** Paho's text, with that of the exception it wraps, which says what actually happened. */
  private static String paho(List<Throwable> chain) {
    for (int i = 0; i < chain.size(); i++) {
      Throwable t = chain.get(i);
      if (isPaho(t)) {
        Throwable cause = i + 1 < chain.size() ? chain.get(i + 1) : null;
        String text =
            t.getMessage() == null || t.getMessage().equals("MqttException") ? "" : t.getMessage();
        String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (text.isEmpty()) {
          return why.isEmpty() ? "connection failed" : why;
        }
        return why.isEmpty() ? text : text + " (" + why + ")";
      }
    }
    return "connection failed";
  }

  private static String messageOf(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return "the connection failed";
  }

  private static Optional<Integer> mqttReasonCode(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof org.eclipse.paho.mqttv5.common.MqttException m) {
        return Optional.of(m.getReasonCode());
      }
      if (t instanceof org.eclipse.paho.client.mqttv3.MqttException m) {
        return Optional.of(m.getReasonCode());
      }
    }
    return Optional.empty();
  }

  private static boolean isPaho(Throwable t) {
    return t instanceof org.eclipse.paho.mqttv5.common.MqttException
        || t instanceof org.eclipse.paho.client.mqttv3.MqttException;
  }

  private static AgentException transientFailure(String message, IOException e) {
    return new AgentException(Kind.TRANSIENT, message, e);
  }

  private static <T> Optional<T> first(List<Throwable> chain, Class<T> type) {
    return chain.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
