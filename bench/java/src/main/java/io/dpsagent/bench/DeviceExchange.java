package io.dpsagent.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection's devices, as a device does it: after the handshake, the register PUT, then a GET
 * of the operation until it is assigned (at most {@value #MAX_POLLS}). With a connection per device
 * the channel is closed after its one device; kept alive, it takes the batch's next device.
 */
final class DeviceExchange extends SimpleChannelInboundHandler<FullHttpResponse> {

  private static final Pattern OPERATION_ID =
      Pattern.compile("\"operationId\"\\s*:\\s*\"([^\"]+)\"");
  private static final String API = "?api-version=2021-06-01";
  private static final int MAX_POLLS = 20;

  private final Batch batch;
  private final String hostHeader;
  private final String idScope;
  private SimulatedDevice device;
  private int polls;

  DeviceExchange(Batch batch, String hostHeader, String idScope, SimulatedDevice first) {
    this.batch = batch;
    this.hostHeader = hostHeader;
    this.idScope = idScope;
    this.device = first;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent handshake) {
      if (handshake.isSuccess()) {
        batch.handshakeDone();
        register(ctx);
      } else {
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (device == null) {
      ctx.close();
      return;
    }
    int status = response.status().code();
    String body = response.content().toString(StandardCharsets.UTF_8);
    if (status / 100 == 2 && body.contains("\"assigning\"") && polls < MAX_POLLS) {
      Matcher m = OPERATION_ID.matcher(body);
      if (m.find()) {
        polls++;
        send(ctx, HttpMethod.GET, base() + "/operations/" + m.group(1) + API, null);
        return;
      }
    }
    batch.deviceDone(status == 200 && body.contains("\"assigned\""));
    device = null;
    SimulatedDevice next =
        batch.keepsConnections() && HttpUtil.isKeepAlive(response) ? batch.take() : null;
    if (next == null) {
      ctx.close();
    } else {
      device = next;
      register(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (device != null) {
      batch.deviceDone(false);
      device = null;
    }
    batch.connectionEnded();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // counted as a failed device in channelInactive
  }

  private void register(ChannelHandlerContext ctx) {
    polls = 0;
    String body = "{\"registrationId\":\"" + device.registrationId() + "\"}";
    send(ctx, HttpMethod.PUT, base() + "/register" + API, body);
  }

  private String base() {
    return "/" + idScope + "/registrations/" + device.registrationId();
  }

  private void send(ChannelHandlerContext ctx, HttpMethod method, String path, String body) {
    ByteBuf content =
        body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, content);
    request
        .headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.AUTHORIZATION, device.authorization())
        .set(HttpHeaderNames.ACCEPT, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    if (body != null) {
      request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    }
    ctx.writeAndFlush(request);
  }
}
