package io.dpsagent.emulator.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * MQTT over WebSocket carries the MQTT byte stream in binary frames, with packets split or joined
 * freely across frames; these adapters turn frames into that stream and back.
 */
final class WebSocketFrames {

  private WebSocketFrames() {}

  /** Frame contents in order; text frames are a protocol error and close the connection. */
  static final class Decoder extends MessageToMessageDecoder<WebSocketFrame> {
    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
        out.add(frame.content().retain());
      } else {
        ctx.close();
      }
    }
  }

  /** One binary frame per encoded MQTT packet. */
  static final class Encoder extends MessageToMessageEncoder<ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
      out.add(new BinaryWebSocketFrame(bytes.retain()));
    }
  }
}
