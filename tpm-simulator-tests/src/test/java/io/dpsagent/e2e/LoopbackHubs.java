package io.dpsagent.e2e;

import io.dpsagent.emulator.hub.HubDirectory;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.hub.HubState;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;

/** IoT hubs of a test's own on loopback, beside the one its emulator serves. */
final class LoopbackHubs {

  private LoopbackHubs() {}

  /**
   * Hub {@code hostName} on a free port of 127.0.0.1, presenting a certificate {@code ca} issues
   * and holding the devices {@code directory} names; it allows no clock skew.
   */
  static HubServer start(LocalCertificateAuthority ca, String hostName, HubDirectory directory)
      throws IOException, GeneralSecurityException {
    return HubServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        new HubState(hostName),
        new HubServer.Settings(
            ca.issueServerIdentity(hostName).newServerContext(),
            directory,
            Duration.ZERO,
            Clock.systemUTC()));
  }
}
