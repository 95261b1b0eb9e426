package io.dpsagent.agent.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Asks an endpoint that answered nonsense which protocol it does speak, by opening one more TLS
 * connection (through the same proxy, with the same verification) and sending the first bytes of
 * the other protocol. Used only after a failure, to turn "no bytes" or "malformed packet" into
 * "that is an MQTT port".
 */
public final class ProtocolProbe {

  /** An MQTT 3.1.1 CONNECT with clean session, keep-alive 60 s and client ID "probe". */
  private static final byte[] MQTT_CONNECT = {
    0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 5, 'p', 'r', 'o', 'b', 'e'
  };

  private static final byte MQTT_CONNACK = 0x20;

  private final SSLSocketFactory sockets;
  private final int timeoutMillis;

  public ProtocolProbe(SSLSocketFactory sockets, Duration timeout) {
    this.sockets = sockets;
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  /** True when {@code host:port} answers an MQTT CONNECT with a CONNACK (of any return code). */
  public boolean answersMqtt(String host, int port) {
    byte[] answer = exchange(host, port, MQTT_CONNECT, 1);
    return answer.length == 1 && answer[0] == MQTT_CONNACK;
  }

  /** True when {@code host:port} answers an HTTP request with an HTTP status line. */
  public boolean answersHttp(String host, int port) {
    byte[] request =
        ("HEAD / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    return Arrays.equals(
        exchange(host, port, request, 5), "HTTP/".getBytes(StandardCharsets.ISO_8859_1));
  }

  private byte[] exchange(String host, int port, byte[] request, int answerBytes) {
    try (SSLSocket socket = (SSLSocket) sockets.createSocket()) {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readNBytes(answerBytes);
    } catch (IOException | RuntimeException e) {
      return new byte[0]; // no answer is no evidence either way
    }
  }
}
