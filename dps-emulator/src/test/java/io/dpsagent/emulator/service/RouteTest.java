package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.Route.ID;
import static io.dpsagent.emulator.service.Route.anyCase;
import static io.dpsagent.emulator.service.Route.literal;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {

  private static final Route.Handler NONE = (request, path) -> null;

  @Test
  void collectionMatchesInAnyCaseLiteralsExactly() {
    Route query = Route.of("POST", "enrollmentgroups", List.of(literal("query")), NONE);

    assertTrue(query.matches("POST", List.of("enrollmentGroups", "query")));
    assertTrue(query.matches("POST", List.of("ENROLLMENTGROUPS", "query")));
    assertFalse(query.matches("POST", List.of("enrollmentGroups", "Query")));
  }

  @Test
  void aRowForOneMethodLetsOthersThrough() {
    Route query = Route.of("POST", "enrollments", List.of(literal("query")), NONE);
    Route one = Route.of("enrollments", List.of(ID), NONE);

    assertFalse(query.matches("GET", List.of("enrollments", "query")));
    assertTrue(one.matches("GET", List.of("enrollments", "query")));
    assertTrue(one.matches("DELETE", List.of("enrollments", "query")));
  }

  @Test
  void theNumberOfSegmentsMustAgree() {
    Route mechanism = Route.of("enrollments", List.of(ID, anyCase("attestationmechanism")), NONE);

    assertTrue(mechanism.matches("POST", List.of("enrollments", "d-1", "attestationMechanism")));
    assertFalse(mechanism.matches("POST", List.of("enrollments", "d-1")));
    assertFalse(
        mechanism.matches("POST", List.of("enrollments", "d-1", "attestationmechanism", "x")));
    assertFalse(mechanism.matches("POST", List.of("enrollments", "d-1", "other")));
    assertFalse(Route.of("enrollments", List.of(), NONE).matches("POST", List.of()));
  }
}
