package io.dpsagent.emulator.http;

import io.dpsagent.emulator.device.DeviceApi;
import io.dpsagent.emulator.device.DeviceError;
import io.dpsagent.emulator.device.DeviceReply;
import io.dpsagent.emulator.device.DeviceRequest;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.tls.ClientCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps HTTPS requests onto the {@link DeviceApi} and its replies back onto HTTP responses. */
@ChannelHandler.Sharable
final class DeviceApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = Logger.getLogger(DeviceApiHandler.class.getName());
  private static final String ERROR_CODE_HEADER = "x-ms-error-code";

  private final DeviceApi api;
  private final RequestLog requestLog;

  DeviceApiHandler(DeviceApi api, RequestLog requestLog) {
    this.api = api;
    this.requestLog = requestLog;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    Instant receivedAt = Instant.now();
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String method = request.method().name();
    boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    Optional<FullHttpResponse> refusal = refusal(request, uri);
    if (refusal.isPresent()) {
      int status = refusal.get().status().code();
      requestLog.add(new RequestLog.Entry(method, uri.rawPath(), status));
      LOG.info(() -> method + " " + uri.rawPath() + " -> " + status);
      write(ctx, refusal.get(), keepAlive);
      return;
    }
    DeviceRoute route = DeviceRoute.match(uri.rawPath()).orElseThrow();
    DeviceRequest deviceRequest =
        new DeviceRequest(
            route.idScope(),
            route.registrationId(),
            firstParameter(uri, "api-version"),
            Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)),
            ClientCertificates.of(ctx.channel()));
    DeviceReply reply =
        switch (route.kind()) {
          case REGISTER -> api.register(deviceRequest, ByteBufUtil.getBytes(request.content()));
          case POLL -> api.poll(deviceRequest, route.operationId().orElseThrow());
          case STATUS_LOOKUP ->
              api.statusLookup(deviceRequest, ByteBufUtil.getBytes(request.content()));
        };
    // Logged before anything is sent, so that whoever sees the connection go also finds it here.
    boolean unanswered = reply.dropConnection() || reply.withheld();
    int status = unanswered ? 0 : reply.status();
    requestLog.add(
        new RequestLog.Entry(method, uri.rawPath(), status), deviceRequest, reply, receivedAt);
    String injected = reply.fault().map(fault -> " (injected fault " + fault + ")").orElse("");
    LOG.info(() -> method + " " + uri.rawPath() + " -> " + status + injected);
    deliver(ctx, reply, keepAlive);
  }

  private void deliver(ChannelHandlerContext ctx, DeviceReply reply, boolean keepAlive) {
    if (reply.withheld()) {
      // The client gives up first; the emulator only makes sure the connection does not linger.
      ctx.executor()
          .schedule(
              () -> ctx.close(),
              Faults.WITHHELD_CONNECTION_LIFETIME.toMillis(),
              TimeUnit.MILLISECONDS);
      return;
    }
    FullHttpResponse response = toResponse(reply);
    if (reply.dropConnection()) {
      dropMidResponse(ctx, response);
    } else if (reply.delay().isZero()) {
      write(ctx, response, keepAlive);
    } else {
      ctx.executor()
          .schedule(
              () -> write(ctx, response, keepAlive), reply.delay().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The answer to a request that never reaches the device API, if this is one. */
  private Optional<FullHttpResponse> refusal(FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.decoderResult().isSuccess()) {
      return Optional.of(toResponse(api.error(DeviceError.MALFORMED_REQUEST)));
    }
    Optional<DeviceRoute> route;
    try {
      route = DeviceRoute.match(uri.rawPath());
    } catch (IllegalArgumentException e) {
      return Optional.of(toResponse(api.error(DeviceError.MALFORMED_REQUEST)));
    }
    if (route.isEmpty()) {
      return Optional.of(toResponse(api.error(DeviceError.NOT_FOUND)));
    }
    HttpMethod allowed = route.get().kind().method();
    if (!request.method().equals(allowed)) {
      FullHttpResponse response = toResponse(api.error(DeviceError.METHOD_NOT_ALLOWED));
      response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
      return Optional.of(response);
    }
    return Optional.empty();
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

  private static Optional<String> firstParameter(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static FullHttpResponse toResponse(DeviceReply reply) {
    FullHttpResponse response = JsonResponses.of(reply.status(), reply.bodyBytes(), true);
    response.headers().set("x-ms-request-id", reply.requestId());
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
