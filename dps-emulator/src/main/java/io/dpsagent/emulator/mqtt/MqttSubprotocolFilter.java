package io.dpsagent.emulator.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;
import java.util.Optional;

/**
 * Lets a WebSocket upgrade through only if it offers the {@code mqtt} sub-protocol, in any case
 * (the C SDK sends {@code MQTT}, C# {@code mqtt}). The offer is narrowed to the client's own
 * spelling, so that the handshake echoes exactly what the client asked for.
 */
final class MqttSubprotocolFilter extends ChannelInboundHandlerAdapter {

  static final String SUBPROTOCOL = "mqtt";

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!(message instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(message);
      return;
    }
    Optional<String> offered =
        mqttOffer(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
    if (offered.isEmpty()) {
      request.release();
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    request.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, offered.get());
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(request);
  }

  private static Optional<String> mqttOffer(String header) {
    if (header == null) {
      return Optional.empty();
    }
    for (String offer : header.split(",")) {
      if (offer.strip().toLowerCase(Locale.ROOT).equals(SUBPROTOCOL)) {
        return Optional.of(offer.strip());
      }
    }
    return Optional.empty();
  }
}
