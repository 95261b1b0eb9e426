package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"gw-0042", "GW-0042", "a", "device.01_x:y", "ends-with-dash-", "0"})
  void acceptsIdsDpsAccepts(String id) {
    assertDoesNotThrow(() -> RegistrationId.validate(id));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ends.",
        "ends_",
        "ends:",
        "has space",
        "slash/inside",
        "ümlaut",
        "semi;colon",
        ""
      })
  void rejectsIdsDpsRejects(String id) {
    assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate(id));
  }

  @org.junit.jupiter.api.Test
  void allows128CharactersButNot129() {
    assertDoesNotThrow(() -> RegistrationId.validate("a".repeat(128)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RegistrationId.validate("a".repeat(129)));
    assertEquals("registration ID is 129 characters long; DPS allows at most 128", e.getMessage());
  }
}
