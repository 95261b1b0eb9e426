package io.dpsagent.emulator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.encoding.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A service API answer: status, optional JSON body and extra headers ({@code ETag}, {@code
 * x-ms-continuation}, {@code Allow}, {@code x-ms-error-code}).
 */
public record ServiceReply(int status, Optional<JsonNode> body, Map<String, String> headers) {

  public ServiceReply {
    headers = Map.copyOf(headers);
  }

  static ServiceReply ok(JsonNode body) {
    return new ServiceReply(200, Optional.of(body), Map.of());
  }

  static ServiceReply noContent() {
    return new ServiceReply(204, Optional.empty(), Map.of());
  }

  /** {@code {errorCode, trackingId, message, timestampUtc}}, as DPS's error bodies. */
  static ServiceReply error(ServiceError error, String detail, Instant now) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("errorCode", error.errorCode());
    body.put("trackingId", UUID.randomUUID().toString());
    body.put("message", detail == null ? error.message() : error.message() + " " + detail);
    body.put("timestampUtc", Timestamps.format(now));
    return new ServiceReply(
        error.httpStatus(),
        Optional.of(body),
        Map.of("x-ms-error-code", Integer.toString(error.errorCode())));
  }

  ServiceReply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ServiceReply(status, body, more);
  }

  /** The body as compact UTF-8 JSON; empty without a body. */
  public byte[] bodyBytes() {
    if (body.isEmpty()) {
      return new byte[0];
    }
    try {
      return Json.MAPPER.writeValueAsBytes(body.get());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
