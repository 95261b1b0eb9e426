package io.dpsagent.emulator.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Date;

/** The HTTP response both APIs send: a JSON body (or none), its length and the server's time. */
final class JsonResponses {

  private static final String JSON = "application/json; charset=utf-8";

  private JsonResponses() {}

  /**
   * @param isJson whether {@code body} is a JSON document (and not an empty body)
   */
  static FullHttpResponse of(int status, byte[] body, boolean isJson) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    if (isJson) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
    }
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    // Like DPS, say what time it is: devices diagnose their clock skew from it.
    response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
    return response;
  }
}
