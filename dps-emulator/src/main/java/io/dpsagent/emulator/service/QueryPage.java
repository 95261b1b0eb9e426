package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One page of a service API query: {@code x-ms-max-item-count} items (all without it) from the
 * position an opaque {@code x-ms-continuation} token names.
 *
 * <p>Only queries that select everything are supported ({@code *} or {@code SELECT * FROM x}); the
 * emulator refuses a filter rather than silently ignoring it.
 */
record QueryPage(int from, int to, int size, Optional<String> continuation) {

  private static final Pattern SELECT_ALL =
      Pattern.compile(
          "\\s*(\\*|select\\s+\\*\\s+from\\s+[A-Za-z_]\\w*)\\s*", Pattern.CASE_INSENSITIVE);
  private static final String TOKEN_PREFIX = "offset:";

  /** Accepts an absent body or {@code {"query": "*"}}-like specifications. */
  static void checkSpecification(JsonNode specification) throws InvalidRequestException {
    if (specification == null || specification.isNull()) {
      return;
    }
    EnrollmentJson.requireObject(specification, "the query specification");
    String query =
        EnrollmentJson.optionalText(specification, "query")
            .orElseThrow(() -> new InvalidRequestException("query is missing"));
    if (!SELECT_ALL.matcher(query).matches()) {
      throw new InvalidRequestException(
          "only queries selecting everything (\"*\" or \"SELECT * FROM ...\") are supported");
    }
  }

  static QueryPage of(int total, Optional<String> maxItemCount, Optional<String> continuation)
      throws InvalidRequestException {
    int from = continuation.isPresent() ? offset(continuation.get(), total) : 0;
    int size = maxItemCount.isPresent() ? pageSize(maxItemCount.get()) : total;
    int to = (int) Math.min((long) from + size, total);
    Optional<String> next = to < total ? Optional.of(token(to)) : Optional.empty();
    return new QueryPage(from, to, size, next);
  }

  private static int pageSize(String text) throws InvalidRequestException {
    try {
      int size = Integer.parseInt(text.strip());
      if (size > 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException("x-ms-max-item-count must be a positive integer");
  }

  private static int offset(String token, int total) throws InvalidRequestException {
    try {
      String decoded =
          new String(Base64.getDecoder().decode(token.strip()), StandardCharsets.UTF_8);
      if (decoded.startsWith(TOKEN_PREFIX)) {
        int offset = Integer.parseInt(decoded.substring(TOKEN_PREFIX.length()));
        if (offset >= 0 && offset <= total) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below (NumberFormatException is an IllegalArgumentException)
    }
    throw new InvalidRequestException("x-ms-continuation is not a token this service issued");
  }

  private static String token(int offset) {
    return Base64.getEncoder()
        .encodeToString((TOKEN_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
  }
}
