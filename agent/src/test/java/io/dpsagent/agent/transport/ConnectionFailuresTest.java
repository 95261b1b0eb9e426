package io.dpsagent.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.AgentException.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classification of connection failures, over exceptions as the JDK and Paho raise them. */
class ConnectionFailuresTest {

  private static final String ENDPOINT = "mqtts://dps.example:8883";

  private static AgentException classify(Throwable e) {
    return ConnectionFailures.classify(
        e instanceof IOException io ? io : new IOException("MQTT failed", e), ENDPOINT);
  }

  private static void assertFailure(Kind kind, String message, Throwable e) {
    AgentException failure = classify(e);
    assertEquals(message, failure.getMessage());
    assertEquals(kind, failure.kind());
  }

  private static <T extends Throwable> T causedBy(T e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  @Test
  void resetsDropsDnsAndTimeoutsAreTransient() {
    assertFailure(
        Kind.TRANSIENT,
        "the connection was reset by " + ENDPOINT,
        new SocketException("Connection reset"));
    assertFailure(
        Kind.TRANSIENT,
        "connection refused or unreachable",
        new ConnectException("Connection refused"));
    assertFailure(
        Kind.TRANSIENT,
        "cannot resolve the host name dps.example (DNS)",
        new UnknownHostException("dps.example"));
    assertFailure(
        Kind.TRANSIENT,
        "cannot resolve the host name " + ENDPOINT + " (DNS)",
        causedBy(new ConnectException(), new UnresolvedAddressException()));
    assertFailure(
        Kind.TRANSIENT,
        "no answer within the timeout",
        new HttpTimeoutException("request timed out"));
    assertFailure(
        Kind.TRANSIENT,
        ENDPOINT + " closed the connection without answering",
        new IOException("HTTP/1.1 header parser received no bytes"));
  }

  @Test
  void aPeerHangingUpInTheHandshakeIsTransientButAVerificationFailureIsNot() {
    assertFailure(
        Kind.TRANSIENT,
        ENDPOINT + " closed the connection during the TLS handshake",
        causedBy(
            new SSLHandshakeException("Remote host terminated the handshake"),
            new EOFException("SSL peer shut down")));
    AgentException refused =
        classify(
            causedBy(
                new SSLHandshakeException("PKIX path building failed"),
                new java.security.cert.CertificateException(
                    "unable to find valid certification path")));
    assertEquals(Kind.CONFIG, refused.kind());
    assertTrue(
        refused
            .getMessage()
            .endsWith("; check provisioning.trust_bundle and the server's certificate"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12] | CONFIG"
            + " | TLS: "
            + ENDPOINT
            + " offers only TLS 1.0; the agent requires TLS 1.2 or later",
        "Received fatal alert: protocol_version | CONFIG | TLS: "
            + ENDPOINT
            + " refused the handshake"
            + " (protocol_version): it accepts none of the TLS versions and cipher suites the agent offers"
            + " (TLS 1.2 or later)",
        "Received fatal alert: bad_certificate | ATTESTATION_REJECTED | TLS: "
            + ENDPOINT
            + " refused the device"
            + " certificate (bad_certificate); check identity_cert and its CA"
      })
  void handshakeRefusalsSayWhatTheServerRefused(String jdkMessage, Kind kind, String message) {
    assertFailure(kind, message, new SSLHandshakeException(jdkMessage));
  }

  @Test
  void aPlaintextServerIsAPortToFix() {
    assertFailure(
        Kind.CONFIG,
        ENDPOINT
            + " does not answer in TLS; global_endpoint must name the TLS port of the"
            + " service (443 for https and mqtt-ws, 8883 for mqtt)",
        new SSLException("Unsupported or unrecognized SSL message"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1 | REFUSED | "
            + ENDPOINT
            + " refused MQTT 3.1.1 (unacceptable protocol version); if it speaks only MQTT 5,"
            + " set transport = \"mqtt5\"",
        "2 | REFUSED | "
            + ENDPOINT
            + " refused the MQTT client ID (the registration ID); check"
            + " provisioning.attestation.registration_id",
        "3 | TRANSIENT | " + ENDPOINT + " answered MQTT CONNECT with 'server unavailable'"
      })
  void mqtt311ConnackRefusals(int code, Kind kind, String message) {
    assertFailure(kind, message, new org.eclipse.paho.client.mqttv3.MqttException(code));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "50001 | REFUSED",
        "132 | REFUSED",
        "133 | REFUSED",
        "136 | TRANSIENT",
        "137 | TRANSIENT"
      })
  void mqtt5ConnackRefusalsThatNoWaitingCures(int code, Kind kind) {
    AgentException failure = classify(new org.eclipse.paho.mqttv5.common.MqttException(code));
    assertEquals(kind, failure.kind(), failure.getMessage());
    assertFalse(failure.getMessage().contains("Exception"), failure.getMessage());
  }

  @Test
  void aProtocolMismatchIsAConfigErrorWithItsOwnMessage() {
    assertFailure(
        Kind.CONFIG,
        "x answers HTTPS, not MQTT",
        new ProtocolMismatchException(
            "x answers HTTPS, not MQTT", new org.eclipse.paho.client.mqttv3.MqttException(0)));
  }

  @Test
  void onlyNonMqttAnswersAfterTlsAreWorthProbing() {
    assertTrue(
        ConnectionFailures.mqttGotNoMqtt(
            new IOException("x", new org.eclipse.paho.mqttv5.common.MqttException(50002))));
    assertFalse(
        ConnectionFailures.mqttGotNoMqtt(
            new IOException("x", new org.eclipse.paho.client.mqttv3.MqttException(32000))),
        "a silent server");
    assertFalse(
        ConnectionFailures.mqttGotNoMqtt(
            new IOException(
                "x",
                new org.eclipse.paho.client.mqttv3.MqttException(
                    0, new SSLHandshakeException("x")))),
        "TLS failed");
    assertFalse(
        ConnectionFailures.mqttGotNoMqtt(
            new IOException("x", new org.eclipse.paho.client.mqttv3.MqttException(5))),
        "a CONNACK");
  }
}
