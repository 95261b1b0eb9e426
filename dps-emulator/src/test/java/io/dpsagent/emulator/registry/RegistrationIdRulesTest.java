package io.dpsagent.emulator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationIdRulesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "Z",
        "7",
        "my-device-01",
        "MY-Device-01",
        "a.b_c:d-e",
        "urn:dev:42",
        "dev-",
        "a_b",
        "a.b"
      })
  void accepts(String registrationId) {
    assertTrue(RegistrationIdRules.isValid(registrationId));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "dev.",
        "dev_",
        "dev:",
        "has space",
        "slash/",
        "plus+1",
        "bang!",
        "caf\u00e9",
        "tab\t1",
        "percent%41",
        // The specification: "No special characters allowed at start".
        "-",
        "-a",
        "_a",
        ".a",
        ":a"
      })
  void rejects(String registrationId) {
    assertFalse(RegistrationIdRules.isValid(registrationId));
  }

  @Test
  void rejectsNull() {
    assertFalse(RegistrationIdRules.isValid(null));
  }

  @Test
  void allowsAtMost128Characters() {
    assertTrue(RegistrationIdRules.isValid("a".repeat(128)));
    assertFalse(RegistrationIdRules.isValid("a".repeat(129)));
  }

  @Test
  void lookupKeyFoldsCase() {
    assertEquals(
        RegistrationIdRules.lookupKey("My-Device"), RegistrationIdRules.lookupKey("mY-dEVICE"));
  }
}
