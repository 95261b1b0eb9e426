package io.dpsagent.agent.dps;

import io.dpsagent.hsm.HsmException;
import java.time.Instant;
import java.util.Optional;

/**
 * Mints the {@code Authorization} value for one attempt. Tokens are short-lived and made fresh for
 * every request, so a long retry never runs on an expired one.
 *
 * <p>TPM credentials also take part in the protocol: DPS first answers 401 with an activation blob
 * (the nonce challenge), and on assignment sends a second blob holding the hub key. Other
 * credentials ignore both.
 */
@FunctionalInterface
public interface DpsCredentials {

  /** The SAS token for a request sent now, or empty when there is none (yet). */
  Optional<String> authorization(Instant now) throws HsmException;

  /**
   * DPS answered 401 carrying {@code authenticationKey}: a challenge to activate. Returns true when
   * the credentials took it and can now sign, so that the registration is sent again at once.
   */
  default boolean acceptChallenge(String authenticationKey) throws HsmException {
    return false;
  }

  /** DPS assigned the device and sent {@code registrationState.tpm.authenticationKey}. */
  default void acceptAssignment(String authenticationKey) throws HsmException {}
}
