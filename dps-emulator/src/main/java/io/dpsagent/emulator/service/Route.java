package io.dpsagent.emulator.service;

import io.dpsagent.emulator.registry.PreconditionFailedException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One row of the service API's route table: a path shape, optionally a method, and the handler of
 * the resource it names. The collection (first segment) is matched case-insensitively, because one
 * SDK sends {@code /enrollmentgroups/...}.
 */
record Route(
    String collection, List<Predicate<String>> rest, Optional<String> method, Handler handler) {

  /** Answers a request whose path (percent-decoded segments) matched the route. */
  interface Handler {
    ServiceReply handle(ServiceRequest request, List<String> path)
        throws InvalidRequestException, PreconditionFailedException;
  }

  /** Any segment: an ID. */
  static final Predicate<String> ID = segment -> true;

  /** A literal segment, matched exactly. */
  static Predicate<String> literal(String text) {
    return text::equals;
  }

  /** A literal segment, matched ignoring case. */
  static Predicate<String> anyCase(String text) {
    return text::equalsIgnoreCase;
  }

  /** A route for every method; the handler answers those it does not allow. */
  static Route of(String collection, List<Predicate<String>> rest, Handler handler) {
    return new Route(collection, rest, Optional.empty(), handler);
  }

  /** A route for {@code method} only; other methods try the rows below. */
  static Route of(String method, String collection, List<Predicate<String>> rest, Handler handler) {
    return new Route(collection, rest, Optional.of(method), handler);
  }

  boolean matches(String requestMethod, List<String> path) {
    if (path.size() != 1 + rest.size()
        || !collection.equals(path.get(0).toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (method.isPresent() && !method.get().equals(requestMethod)) {
      return false;
    }
    for (int i = 0; i < rest.size(); i++) {
      if (!rest.get(i).test(path.get(i + 1))) {
        return false;
      }
    }
    return true;
  }
}
