package io.dpsagent.agent.hub;

import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.output.HubVerification;
import java.time.Instant;
import java.util.Optional;

/** What a hub verification starts from: an assignment as DPS answers it, none of it optional. */
final class Assignments {

  private Assignments() {}

  /** {@code deviceId}, its own registration ID, assigned to {@code hubHostName}; not verified. */
  static ConnectionInfo assigned(
      String hubHostName, String deviceId, HubAuth auth, Instant provisionedAt) {
    return new ConnectionInfo(
        hubHostName,
        deviceId,
        deviceId,
        "0ne00000001",
        "https://dps.example.net",
        "symmetric_key",
        auth,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        provisionedAt,
        Optional.empty(),
        HubVerification.NOT_VERIFIED,
        Optional.empty());
  }
}
