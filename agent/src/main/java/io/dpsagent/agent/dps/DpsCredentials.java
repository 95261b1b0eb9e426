package io.dpsagent.agent.dps;

import io.dpsagent.hsm.HsmException;
import java.time.Instant;
import java.util.Optional;

/**
 * Mints the {@code Authorization} value for one attempt. Tokens are short-lived and made fresh for
 * every request, so a long retry never runs on an expired one.
 */
@FunctionalInterface
public interface DpsCredentials {

  /** The SAS token for a request sent now, or empty when TLS client authentication is used. */
  Optional<String> authorization(Instant now) throws HsmException;
}
