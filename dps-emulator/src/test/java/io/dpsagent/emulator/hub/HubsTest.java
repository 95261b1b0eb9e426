package io.dpsagent.emulator.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which linked hub names get an endpoint: those a certificate can name and a socket reach. */
class HubsTest {

  @Test
  void hostNamesAndAddressesAreServed() {
    assertTrue(Hubs.isServable("emulated-hub-1.azure-devices.net"));
    assertTrue(Hubs.isServable("localhost"));
    assertTrue(Hubs.isServable("127.42.0.1"));
    assertTrue(Hubs.isServable("::1"));
  }

  @Test
  void aHostileNameGetsNoEndpoint() {
    assertFalse(Hubs.isServable("evil.azure-devices.net\ndps-agent: info: provisioned\u001b[2J"));
    assertFalse(Hubs.isServable("hub_1.example.net"));
    assertFalse(Hubs.isServable("-hub.example.net"));
    assertFalse(Hubs.isServable(""));
  }
}
