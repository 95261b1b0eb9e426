package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiVersionPolicyTest {

  private static final List<Optional<String>> VALUES =
      List.of(
          Optional.of("2021-06-01"),
          Optional.of("2026-04-01"),
          Optional.of("2019-04-15"),
          Optional.of("2027-01-01-preview"),
          Optional.of("latest"),
          Optional.of(""),
          Optional.empty());

  @Test
  void supportedAdmitsTheTableOnly() {
    assertEquals(
        List.of(true, true, false, false, false, false, false),
        admitted(ApiVersionPolicy.SUPPORTED));
  }

  @Test
  void wellFormedAdmitsAnyPublishedSpellingButNotGarbageOrNothing() {
    assertEquals(
        List.of(true, true, true, true, false, false, false),
        admitted(ApiVersionPolicy.WELL_FORMED));
  }

  @Test
  void anyAdmitsEverything() {
    assertEquals(List.of(true, true, true, true, true, true, true), admitted(ApiVersionPolicy.ANY));
  }

  @Test
  void theDefaultIsTheTable() {
    assertEquals(ApiVersionPolicy.SUPPORTED, ProtocolSettings.defaults().apiVersions());
  }

  @Test
  void configNamesRoundTripAndOthersAreRefusedWithTheChoices() {
    for (ApiVersionPolicy policy : ApiVersionPolicy.values()) {
      assertEquals(policy, ApiVersionPolicy.fromConfigName(policy.configName()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ApiVersionPolicy.fromConfigName("lax"));
    assertEquals("must be \"supported\", \"well-formed\" or \"any\"", e.getMessage());
  }

  private static List<Boolean> admitted(ApiVersionPolicy policy) {
    return VALUES.stream().map(policy::admits).toList();
  }
}
