package io.dpsagent.agent.output;

import java.time.Instant;
import java.util.Optional;

/**
 * An assignment as DPS answers it, none of it optional: what a hub verification or a renewal starts
 * from.
 */
public final class Assignments {

  private Assignments() {}

  /** {@code deviceId}, its own registration ID, assigned to {@code hubHostName}; not verified. */
  public static ConnectionInfo assigned(
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
