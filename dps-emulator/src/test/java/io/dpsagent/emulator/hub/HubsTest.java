package io.dpsagent.emulator.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which linked hub names get an endpoint: those a certificate can name and a socket reach. */
class HubsTest {

  @ParameterizedTest
  @ValueSource(strings = {"emulated-hub-1.azure-devices.net", "localhost", "127.42.0.1", "::1"})
  void hostNamesAndAddressesAreServed(String hostName) {
    assertTrue(Hubs.isServable(hostName));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.azure-devices.net\ndps-agent: info: provisioned\u001b[2J",
        "hub_1.example.net",
        "-hub.example.net",
        ""
      })
  void aHostileNameGetsNoEndpoint(String hostName) {
    assertFalse(Hubs.isServable(hostName));
  }
}
