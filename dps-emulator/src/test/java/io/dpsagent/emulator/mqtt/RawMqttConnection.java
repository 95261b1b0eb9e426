package io.dpsagent.emulator.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * MQTT packets over a plain TLS socket, encoded and decoded by Netty's codec: shows exactly what
 * the server put on the wire, in order, where a full client library would hide it.
 */
final class RawMqttConnection implements AutoCloseable {

  private static final int READ_TIMEOUT_MILLIS = 20_000;

  private final SSLSocket socket;
  private final InputStream in;
  // Encoder and decoder share the channel, so the protocol level the encoder saw in CONNECT also
  // tells the decoder how to read the server's packets.
  private final EmbeddedChannel codec =
      new EmbeddedChannel(MqttEncoder.INSTANCE, new MqttDecoder());

  RawMqttConnection(URI endpoint, SSLContext tls) throws IOException {
    socket =
        (SSLSocket) tls.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.startHandshake();
    in = socket.getInputStream();
  }

  void send(MqttMessage message) throws IOException {
    codec.writeOutbound(message);
    for (ByteBuf bytes = codec.readOutbound(); bytes != null; bytes = codec.readOutbound()) {
      try {
        socket.getOutputStream().write(ByteBufUtil.getBytes(bytes));
      } finally {
        bytes.release();
      }
    }
    socket.getOutputStream().flush();
  }

  /** The next packet from the server; fails if the server closes first. */
  MqttMessage receive() throws IOException {
    byte[] buffer = new byte[4096];
    while (true) {
      MqttMessage message = codec.readInbound();
      if (message != null) {
        return message;
      }
      int read = in.read(buffer);
      if (read < 0) {
        throw new IOException("server closed the connection");
      }
      codec.writeInbound(Unpooled.copiedBuffer(buffer, 0, read));
    }
  }

  /** Every byte the server sends until it closes the connection. */
  byte[] readUntilClosed() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toByteArray();
  }

  @Override
  public void close() throws IOException {
    codec.finishAndReleaseAll();
    socket.close();
  }
}
