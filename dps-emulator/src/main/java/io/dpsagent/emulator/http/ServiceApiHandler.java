package io.dpsagent.emulator.http;

import io.dpsagent.emulator.service.ServiceApi;
import io.dpsagent.emulator.service.ServiceReply;
import io.dpsagent.emulator.service.ServiceRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps HTTPS requests onto the {@link ServiceApi} and its replies back onto HTTP responses. */
@ChannelHandler.Sharable
final class ServiceApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = Logger.getLogger(ServiceApiHandler.class.getName());

  private final ServiceApi api;

  ServiceApiHandler(ServiceApi api) {
    this.api = api;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean wellFormed = request.decoderResult().isSuccess();
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    FullHttpResponse response;
    if (wellFormed) {
      ServiceRequest serviceRequest =
          new ServiceRequest(
              request.method().name(),
              uri.rawPath(),
              uri.parameters(),
              name -> Optional.ofNullable(request.headers().get(name)),
              ByteBufUtil.getBytes(request.content()));
      response = toResponse(api.handle(serviceRequest));
    } else {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
      HttpUtil.setContentLength(response, 0);
    }
    int status = response.status().code();
    LOG.info(() -> "service " + request.method().name() + " " + uri.rawPath() + " -> " + status);
    boolean keepAlive = wellFormed && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse toResponse(ServiceReply reply) {
    FullHttpResponse response =
        JsonResponses.of(reply.status(), reply.bodyBytes(), reply.body().isPresent());
    reply.headers().forEach((name, value) -> response.headers().set(name, value));
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.FINE, "Closing service connection from " + ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
