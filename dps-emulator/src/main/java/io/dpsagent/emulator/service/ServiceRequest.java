package io.dpsagent.emulator.service;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One service API request, independent of the HTTP server.
 *
 * @param rawPath the path as sent, still percent-encoded
 * @param query decoded query parameters
 * @param header looks a header up by name, case-insensitively
 */
public record ServiceRequest(
    String method,
    String rawPath,
    Map<String, List<String>> query,
    Function<String, Optional<String>> header,
    byte[] body) {

  public ServiceRequest {
    method = method.toUpperCase(Locale.ROOT);
    query = Map.copyOf(query);
    body = body.clone();
  }

  Optional<String> header(String name) {
    return header.apply(name);
  }

  Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    return "ServiceRequest[" + method + " " + rawPath + "]";
  }
}
