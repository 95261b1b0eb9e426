package io.dpsagent.emulator.http;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.DeviceReply;
import io.dpsagent.emulator.device.DeviceRequest;
import io.dpsagent.emulator.device.DeviceError;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.tls.ClientCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps HTTPS requests onto the {@link DeviceApi} and its replies back onto HTTP responses. */
@ChannelHandler.Sharable
final class DeviceApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = Logger.getLogger(DeviceApiHandler.class.getName());
  private static final String JSON = "application/json; charset=utf-8";
  private static final String ERROR_CODE_HEADER = "x-ms-error-code";

  private final DeviceApi api;
  private final RequestLog requestLog;

  DeviceApiHandler(DeviceApi api, RequestLog requestLog) {
    this.api = api;
    this.requestLog = requestLog;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    FullHttpResponse response = respond(ctx, request, uri);
    String method = request.method().name();
    if (response == null) {
      return; // an injected fault cut the connection; it is logged where it happened
    }
    int status = response.status().code();
    requestLog.add(new RequestLog.Entry(method, uri.rawPath(), status));
    LOG.info(() -> method + " " + uri.rawPath() + " -> " + status);
    boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    write(ctx, response, keepAlive);
  }

  private FullHttpResponse respond(
      ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.decoderResult().isSuccess()) {
      return toResponse(api.error(DeviceError.MALFORMED_REQUEST));
    }
    Optional<DeviceRoute> route;
    try {
      route = DeviceRoute.match(uri.rawPath());
    } catch (IllegalArgumentException e) {
      return toResponse(api.error(DeviceError.MALFORMED_REQUEST));
    }
    if (route.isEmpty()) {
      return toResponse(api.error(DeviceError.NOT_FOUND));
    }
    HttpMethod allowed = route.get().kind().method();
    if (!request.method().equals(allowed)) {
      FullHttpResponse response = toResponse(api.error(DeviceError.METHOD_NOT_ALLOWED));
      response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
      return response;
    }
    DeviceReply reply = call(ctx, route.get(), request, uri);
    if (reply.dropConnection()) {
      // Logged before the cut, so that whoever sees the connection go also finds it in the log.
      String method = request.method().name();
      requestLog.add(new RequestLog.Entry(method, uri.rawPath(), 0));
      LOG.info(() -> method + " " + uri.rawPath() + " -> connection dropped (injected fault)");
      dropMidResponse(ctx, toResponse(reply));
      return null;
    }
    return toResponse(reply);
  }

  // Status line, headers and half of the announced body, then the connection goes away.
  private static void dropMidResponse(ChannelHandlerContext ctx, FullHttpResponse full) {
    DefaultHttpResponse head = new DefaultHttpResponse(full.protocolVersion(), full.status());
    head.headers().set(full.headers());
    ByteBuf body = full.content();
    ctx.write(head);
    ctx.writeAndFlush(new DefaultHttpContent(body.retainedSlice(0, body.readableBytes() / 2)))
        .addListener(ChannelFutureListener.CLOSE);
    full.release();
  }

  private DeviceReply call(
      ChannelHandlerContext ctx,
      DeviceRoute route,
      FullHttpRequest request,
      QueryStringDecoder uri) {
    DeviceRequest deviceRequest =
        new DeviceRequest(
            route.idScope(),
            route.registrationId(),
            firstParameter(uri, "api-version"),
            Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)),
            ClientCertificates.of(ctx.channel()));
    return switch (route.kind()) {
      case REGISTER -> api.register(deviceRequest, ByteBufUtil.getBytes(request.content()));
      case POLL -> api.poll(deviceRequest, route.operationId().orElseThrow());
    };
  }

  private static Optional<String> firstParameter(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static FullHttpResponse toResponse(DeviceReply reply) {
    byte[] body = reply.bodyBytes();
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    // Like DPS, say what time it is: devices diagnose their clock skew from it.
    response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
    reply
        .retryAfterSeconds()
        .ifPresent(seconds -> response.headers().setInt(HttpHeaderNames.RETRY_AFTER, seconds));
    reply
        .errorCode()
        .ifPresent(code -> response.headers().set(ERROR_CODE_HEADER, Integer.toString(code)));
    return response;
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Mostly failed TLS handshakes and peers that hang up; nothing a device needs answered.
    LOG.log(Level.FINE, "Closing connection from " + ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
